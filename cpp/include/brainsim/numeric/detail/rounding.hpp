#pragma once
// Correct rounding (round to nearest, ties to even) of an exact binary value to a double, with
// subnormal results and overflow to infinity. Shared by the superaccumulator and the fixed-point
// format.

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace brainsim::numeric::detail {

__extension__ typedef unsigned __int128 u128;  // __extension__: no -Wpedantic warning
__extension__ typedef __int128 i128;

// The value (-1)^negative * (top + t) * 2^exp2, where top has bit 63 set (top >= 2^63) and t is a
// fraction in [0, 1) that is nonzero exactly when `sticky` is true, rounded to the nearest double
// (ties to even). Results beyond the double range become +-inf; below half the smallest subnormal,
// +-0 (the sign of a zero result is the sign of the exact value).
inline double round_to_double(bool negative, std::uint64_t top, int exp2, bool sticky) {
    // value in [2^ev, 2^(ev+1))
    const long ev = static_cast<long>(exp2) + 63;
    const double sign = negative ? -1.0 : 1.0;
    if (ev >= 1024) return sign * std::numeric_limits<double>::infinity();
    // Number of significant bits the result can hold at this exponent (53, fewer for subnormals).
    const long p = ev >= -1022 ? 53 : ev + 1075;
    if (p < 0) return sign * 0.0;  // value < 2^-1076: rounds to zero
    if (p == 0) {
        // value in [2^-1075, 2^-1074): exactly 2^-1075 is a tie and goes to even (zero).
        const bool above_half = (top != (std::uint64_t{1} << 63)) || sticky;
        return sign * (above_half ? std::numeric_limits<double>::denorm_min() : 0.0);
    }
    const int drop = static_cast<int>(64 - p);  // 11..63
    std::uint64_t keep = top >> drop;
    const std::uint64_t rest = top << (64 - drop);  // dropped bits, left aligned
    const std::uint64_t half = std::uint64_t{1} << 63;
    if (rest > half || (rest == half && (sticky || (keep & 1)))) ++keep;
    // keep <= 2^p, and keep * 2^(ev - p + 1) is representable (or overflows to inf): ldexp is exact.
    return sign * std::ldexp(static_cast<double>(keep), static_cast<int>(ev - p + 1));
}

// Round the exact value mag * 2^exp2 (mag an unsigned 128-bit integer) to a double.
inline double round_to_double(bool negative, u128 mag, int exp2) {
    if (mag == 0) return 0.0;
    const auto hi = static_cast<std::uint64_t>(mag >> 64);
    const int lz = hi != 0 ? std::countl_zero(hi) : 64 + std::countl_zero(static_cast<std::uint64_t>(mag));
    const u128 aligned = mag << lz;  // bit 127 set
    const auto top = static_cast<std::uint64_t>(aligned >> 64);
    const bool sticky = static_cast<std::uint64_t>(aligned) != 0;
    return round_to_double(negative, top, exp2 + 64 - lz, sticky);
}

}  // namespace brainsim::numeric::detail
