#pragma once
// Exact fixed-point accumulation of synaptic input: an integer add per synapse event.
//
// Use. At network build time call make_fixed_point_format(weights, max_addends) with every weight
// that can be added into one accumulator and an upper bound on how many additions one accumulator
// receives before it is read and cleared (in-degree x events per source per slot, plus any external
// inputs). If the returned format is exact, convert each weight once with to_fixed() (store the
// integers, e.g. beside the synapses), add them with integer adds into a fixed_t (or int64_t when
// fits_int64) accumulator, and convert the total with from_fixed(): the result is the exact sum
// correctly rounded, independent of the order of the additions, of threads and of ranks.
// If the format is not exact (weights spanning too many binades for 127 bits, non-finite weights),
// use numeric::superaccumulator instead; exact_accumulator_bank below does that choice for you.
// Weights changed after build time (plasticity) must be checked with representable().
// Sizes: decimal weights such as 0.1 (= 0x1.999999999999ap-4, lowest bit 2^-55) need about 55
// fractional bits, so with 1e5 additions a typical set needs ~72 bits: __int128 (an add and an
// add-with-carry per event). Weights on a binary grid (0.125, 0.5, ...) usually fit int64.
//
// Proof of exactness (k = shift, N = max_addends, all weights w finite):
//  * Every nonzero double is w = m * 2^e with m an odd integer, |m| < 2^53. Let e_low be the
//    smallest such e over the weight set and e_max the smallest integer with |w| < 2^e_max for every
//    weight. We choose k = -e_low.
//  * Conversion is exact: w * 2^k = m * 2^(e - e_low) with e - e_low >= 0, an integer, and
//    |w * 2^k| < 2^(e_max + k). to_fixed computes it with integer shifts, no rounding.
//  * Summation is exact and cannot overflow: any sum of n <= N converted weights (any signs, any
//    order, every partial sum included) satisfies |sum| < N * 2^(e_max + k) <= 2^(e_max + k + c)
//    with c = ceil(log2 N). We require e_max + k + c <= 127 (fixed_t = __int128) -- and report
//    fits_int64 when e_max + k + c <= 63 -- so every partial sum is < 2^127 in magnitude and is
//    represented exactly; integer addition is associative and commutative, so the total does not
//    depend on the order.
//  * Output is correctly rounded: from_fixed rounds the exact integer times 2^-k once, to nearest
//    with ties to even (detail::round_to_double), including subnormal and overflowing results.

#include <brainsim/errors.hpp>
#include <brainsim/numeric/detail/rounding.hpp>
#include <brainsim/numeric/superaccumulator.hpp>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace brainsim::numeric {

// |w| = m * 2^e with m the integer mantissa (53 bits for normal numbers, not reduced to odd) and e
// the exponent of its lowest bit position; subnormals have e = -1074.
inline std::pair<std::uint64_t, int> binary_split(double w) {
    const auto bits = std::bit_cast<std::uint64_t>(w);
    const auto biased = static_cast<int>((bits >> 52) & 0x7ff);
    std::uint64_t m = bits & ((std::uint64_t{1} << 52) - 1);
    if (biased == 0) return {m, -1074};
    return {m | (std::uint64_t{1} << 52), biased - 1075};
}

// Exponent of the lowest set bit of a finite w != 0: w is an integer multiple of 2^result.
inline int lowest_bit_exponent(double w) {
    const auto [m, e] = binary_split(w);
    return e + std::countr_zero(m);
}

struct fixed_point_format {
    using fixed_t = detail::i128;

    bool exact = false;          // all weights convert exactly and N-term sums fit in fixed_t
    bool fits_int64 = false;     // ... and also in std::int64_t
    int shift = 0;               // k: fixed = w * 2^k
    int max_exponent = 0;        // e_max: every weight has |w| < 2^e_max
    int sum_bits = 0;            // e_max + k + ceil(log2 N): sums are < 2^sum_bits in magnitude
    std::size_t max_addends = 0;  // N
    std::string reason;          // why the format is not exact (empty if it is)

    // True if w converts exactly under this format and keeps the overflow bound (|w| < 2^e_max).
    bool representable(double w) const {
        if (!exact || !std::isfinite(w)) return false;
        if (w == 0.0) return true;
        const auto [m, e] = split(w);
        const int low = e + std::countr_zero(m);
        const int high = e + 64 - std::countl_zero(m);  // |w| < 2^high
        return low + shift >= 0 && high <= max_exponent;
    }

    // The exact fixed-point value w * 2^k; config_error if w is not representable.
    fixed_t to_fixed(double w) const {
        if (!representable(w))
            throw config_error("weight", detail_repr(w),
                               "a finite weight that is a multiple of 2^" + std::to_string(-shift) +
                                   " with magnitude < 2^" + std::to_string(max_exponent) +
                                   " (the weights the fixed-point format was built from)");
        if (w == 0.0) return 0;
        auto [m, e] = split(w);
        const int tz = std::countr_zero(m);
        m >>= tz;  // odd mantissa: e + tz + shift >= 0 by representable()
        e += tz;
        const fixed_t v = static_cast<fixed_t>(detail::u128(m) << (e + shift));
        return std::signbit(w) ? -v : v;
    }

    // to_fixed for formats with fits_int64.
    std::int64_t to_fixed64(double w) const {
        if (!fits_int64)
            throw config_error("fixed_point_format", "sum_bits " + std::to_string(sum_bits),
                               "<= 63 for 64-bit accumulators (use to_fixed and __int128)");
        return static_cast<std::int64_t>(to_fixed(w));
    }

    // The fixed-point value v * 2^-k rounded to the nearest double (ties to even).
    double from_fixed(fixed_t v) const {
        const bool negative = v < 0;
        const detail::u128 mag = negative ? detail::u128(0) - detail::u128(v) : detail::u128(v);
        return detail::round_to_double(negative, mag, -shift);
    }

private:
    static std::pair<std::uint64_t, int> split(double w) { return binary_split(w); }
    static std::string detail_repr(double w) { return brainsim::detail::repr(w); }
};

// Build the format for a weight set (zeros are ignored) and a bound on additions per accumulator.
// Never throws for well-formed input: when no exact format exists, returns exact == false with the
// reason, and the caller uses superaccumulators.
inline fixed_point_format make_fixed_point_format(std::span<const double> weights, std::size_t max_addends) {
    fixed_point_format f;
    f.max_addends = max_addends;
    int e_low = 0, e_max = 0;
    bool any = false;
    for (double w: weights) {
        if (!std::isfinite(w)) {
            f.reason = "weight " + brainsim::detail::repr(w) + " is not finite";
            return f;
        }
        if (w == 0.0) continue;
        const auto [m, e] = binary_split(w);
        const int low = e + std::countr_zero(m);
        const int high = e + 64 - std::countl_zero(m);
        if (!any) {
            e_low = low;
            e_max = high;
            any = true;
        }
        else {
            e_low = std::min(e_low, low);
            e_max = std::max(e_max, high);
        }
    }
    const std::size_t n = max_addends < 1 ? 1 : max_addends;
    const int c = static_cast<int>(std::bit_width(n - 1));  // ceil(log2 n); 0 for n == 1
    f.shift = any ? -e_low : 0;
    f.max_exponent = any ? e_max : 0;
    f.sum_bits = any ? e_max - e_low + c : 0;
    if (f.sum_bits > 127) {
        f.reason = "the weights span " + std::to_string(e_max - e_low) + " bits and " + std::to_string(n) +
                   " additions need " + std::to_string(c) + " more: over the 127 bits of the fixed-point format";
        return f;
    }
    f.exact = true;
    f.fits_int64 = f.sum_bits <= 63;
    return f;
}

// n exact accumulators (one per neuron, receptor, ...): integer fixed point when the format is
// exact, superaccumulators otherwise. add_fixed() is the hot path (one 128-bit integer add).
class exact_accumulator_bank {
public:
    using fixed_t = fixed_point_format::fixed_t;

    exact_accumulator_bank(fixed_point_format format, std::size_t n): format_(std::move(format)) {
        if (format_.exact) fixed_.assign(n, 0);
        else super_.assign(n, superaccumulator{});
    }

    bool uses_fixed_point() const { return format_.exact; }
    const fixed_point_format& format() const { return format_; }
    std::size_t size() const { return format_.exact ? fixed_.size() : super_.size(); }

    // Hot path (only when uses_fixed_point()): w_fixed = format().to_fixed(w), precomputed.
    void add_fixed(std::size_t i, fixed_t w_fixed) { fixed_[i] += w_fixed; }

    // Generic path: any weight the format was built from (or any double, without fixed point).
    void add(std::size_t i, double w) {
        if (format_.exact) fixed_[i] += format_.to_fixed(w);
        else super_[i].add(w);
    }

    double value(std::size_t i) const {
        return format_.exact ? format_.from_fixed(fixed_[i]) : super_[i].round();
    }

    void clear(std::size_t i) {
        if (format_.exact) fixed_[i] = 0;
        else super_[i].clear();
    }

private:
    fixed_point_format format_;
    std::vector<fixed_t> fixed_;
    std::vector<superaccumulator> super_;
};

}  // namespace brainsim::numeric
