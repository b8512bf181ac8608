#pragma once
// numeric::superaccumulator: exact summation of float64 values (and of exact products of two
// float64 values), correctly rounded once on output.
//
// Representation. The exact sum is an integer multiple of 2^-2176 held in carry-save form:
//
//     value = sum_{i=0}^{N-1} limb[i] * 2^(32*i - 2176),   N = 136 signed 64-bit limbs,
//
// i.e. 32-bit "digits" stored in 64-bit limbs (the spirit of Neal's small superaccumulator, arXiv
// 1505.05571, with a wider range). The range covers every double (lowest bit 2^-1074) and every
// exact product of two doubles (lowest bit 2^-2148, magnitude < 2^2048), with more than 2^90 of
// headroom above, so no realistic number of additions can overflow it.
//
// Adding a finite double m * 2^e (m < 2^53 an integer) puts the bits of m, shifted by (e + 2176)
// mod 32, into two consecutive limbs: the low limb gets < 2^32, the high limb < 2^52. Carries are
// not propagated on each addition: a limb starts below 2^32 in magnitude after normalisation and
// takes at most 2^10 additions of < 2^52 before normalize() runs again, so it stays below
// 2^32 + 2^62 < 2^63 and never overflows. normalize() propagates carries so that limbs 0..N-2 are
// digits in [0, 2^32) and the top limb carries the sign; that form is unique for each value (it
// is the canonical form used by serialize() and digest()).
//
// Special values follow IEEE: NaN in any addend gives NaN; +inf and -inf together give NaN;
// otherwise an infinite addend gives that infinity. A finite exact sum whose rounding exceeds the
// double range gives +-inf; an intermediate sum beyond the double range that cancels back into
// range gives the exact, correctly rounded finite answer. An exact zero is returned as +0.0 (as
// math.fsum does and as the exact value has no sign).
//
// Bulk addition (add(span), exact_sum) runs a vectorised kernel (see cpp/src/numeric/) that slices
// each block of 1024 values into a few exactly summable floating-point parts and adds only their
// block totals here; blocks whose values span too many binades go through integer bins indexed
// by sign and exponent. Every path is exact, so the result never depends on which one ran.
//
// Threads: give each thread its own accumulator and merge() them (exact, any order). Ranks:
// all_reduce(comm) gathers every rank's serialized limbs and merges them on every rank.

#include <brainsim/comm/communicator.hpp>
#include <brainsim/numeric/detail/rounding.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace brainsim::numeric {

class superaccumulator {
public:
    static constexpr int digit_bits = 32;
    static constexpr int num_limbs = 136;
    static constexpr int lowest_exponent = -2176;  // weight of limb 0 is 2^lowest_exponent
    // Additions (of a double or a product) allowed between normalisations; see the header comment.
    static constexpr int max_pending = 1024;

    superaccumulator() = default;

    // Add one double exactly.
    void add(double x) {
        const auto bits = std::bit_cast<std::uint64_t>(x);
        const auto biased = static_cast<int>((bits >> 52) & 0x7ff);
        std::uint64_t m = bits & ((std::uint64_t{1} << 52) - 1);
        if (biased == 0x7ff) {
            add_special(bits);
            return;
        }
        int e = -1074;  // exponent of the lowest mantissa bit
        if (biased != 0) {
            m |= std::uint64_t{1} << 52;
            e = biased - 1075;
        }
        if (m == 0) return;
        add_scaled(m, e, static_cast<std::int64_t>(bits >> 63));
    }

    // Add the exact product a*b (IEEE specials: inf*0 is NaN, NaN propagates).
    void add_product(double a, double b);

    // Add every value of xs exactly (vectorised; see the header comment).
    void add(std::span<const double> xs);

    // Add sum_i a[i]*b[i] exactly; a and b must have the same length (else config_error).
    void add_products(std::span<const double> a, std::span<const double> b);

    // Add another accumulator's exact value (for threads).
    void merge(const superaccumulator& other);
    superaccumulator& operator+=(const superaccumulator& other) {
        merge(other);
        return *this;
    }

    // The exact value rounded to the nearest double (ties to even).
    double round() const;
    double value() const { return round(); }

    bool is_nan() const {
        constexpr std::uint8_t both_inf = pos_inf_flag | neg_inf_flag;
        return (special_ & nan_flag) != 0 || (special_ & both_inf) == both_inf;
    }
    bool is_finite() const { return special_ == 0; }

    // Reset to exactly zero.
    void clear() {
        limb_.fill(0);
        pending_ = 0;
        special_ = 0;
    }

    // Propagate carries to the canonical form (done automatically when needed).
    void normalize();

    // Canonical serialization: little-endian, independent of the history of the accumulator
    // (equal values give equal bytes). Layout: "BSA1", u8 special flags, 3 zero bytes, i32 index
    // of the first stored limb, i32 count, then count i64 limbs (leading/trailing zero limbs trimmed).
    std::vector<std::byte> serialize() const;
    static superaccumulator deserialize(std::span<const std::byte> bytes);

    // sha256 (hex) of serialize(): equal exact values give equal digests.
    std::string digest() const;

    // Merge every rank's accumulator (collective): afterwards every rank holds the exact total.
    void all_reduce(const comm::communicator& comm);

    // Exact comparison of values (specials compare by their flags).
    bool operator==(const superaccumulator& other) const;

    // Direct access for the vectorised kernels (detail; not API).
    void add_scaled(std::uint64_t m, int e, std::int64_t negative) {
        // m * 2^e with m < 2^53, e >= -1074; negative is 0 or 1.
        const int pos = e - lowest_exponent;
        const int i = pos >> 5;
        const int sh = pos & 31;
        const std::int64_t s = -negative;  // 0 or -1
        const auto lo = static_cast<std::int64_t>((m << sh) & 0xffffffffu);
        const auto hi = static_cast<std::int64_t>(m >> (32 - sh));
        limb_[i] += (lo ^ s) - s;
        limb_[i + 1] += (hi ^ s) - s;
        if (++pending_ >= max_pending) normalize();
    }

    // Add v * 2^e exactly for any int64 v and e >= -1074 (detail; used by the bulk kernels).
    void add_scaled_int(std::int64_t v, int e) {
        const std::int64_t s = v >> 63;  // 0 or -1
        const std::uint64_t m = s ? std::uint64_t(0) - std::uint64_t(v) : std::uint64_t(v);  // |v|
        const int pos = e - lowest_exponent;
        const int i = pos >> 5;
        const int sh = pos & 31;
        // m << sh spans up to 95 bits: three digits of < 2^32.
        const auto d0 = static_cast<std::int64_t>((m << sh) & 0xffffffffu);
        const auto d1 = static_cast<std::int64_t>((m >> (32 - sh)) & 0xffffffffu);
        const auto d2 = static_cast<std::int64_t>(sh == 0 ? 0 : m >> (64 - sh));
        limb_[i] += (d0 ^ s) - s;
        limb_[i + 1] += (d1 ^ s) - s;
        limb_[i + 2] += (d2 ^ s) - s;
        if (++pending_ >= max_pending) normalize();
    }

    static constexpr std::uint8_t nan_flag = 1, pos_inf_flag = 2, neg_inf_flag = 4;
    std::uint8_t special_flags() const { return special_; }

private:
    void add_special(std::uint64_t bits) {
        if ((bits & ((std::uint64_t{1} << 52) - 1)) != 0) special_ |= nan_flag;
        else special_ |= (bits >> 63) ? neg_inf_flag : pos_inf_flag;
    }

    std::array<std::int64_t, num_limbs> limb_{};
    int pending_ = 0;          // additions since the last normalisation
    std::uint8_t special_ = 0;  // nan_flag | pos_inf_flag | neg_inf_flag
};

namespace detail {
// Which bulk kernel this machine runs: "avx512", "avx2" or "baseline".
const char* exact_sum_kernel_name();
// For tests: run the named kernel from now on (process-wide). Returns false, changing nothing, if
// the name is unknown or this CPU lacks the instructions.
bool force_exact_sum_kernel(const std::string& name);
}  // namespace detail

// The exact sum of xs, correctly rounded (ties to even); see superaccumulator.
double exact_sum(std::span<const double> xs);

// The exact dot product sum_i a[i]*b[i], correctly rounded; a and b must have equal lengths.
double exact_dot(std::span<const double> a, std::span<const double> b);

}  // namespace brainsim::numeric
