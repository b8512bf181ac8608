// Vectorised exact summation: superaccumulator::add(span) and add_products.
//
// Method (our own design, in the spirit of the error-free "extraction" of Demmel & Nguyen / ExBLAS
// but exact rather than merely reproducible). The input is cut into blocks of at most B = 2^L = 1024
// values. For a block let E be such that every |x| < 2^E. Slice j (j = 0..K-1) has the grid
//
//     E_0 = E,   u_j = 2^(E_j + L - 53),   E_{j+1} = E_j + L - 54,   M_j = 1.5 * 2^52 * u_j,
//
// (u_j clamped below at 2^-1074) and each value is peeled, r_0 = x:
//
//     q_j = (r_j + M_j) - M_j,   r_{j+1} = r_j - q_j,   S_j += q_j.
//
// Why this is exact. (1) |r_j| <= 2^E_j <= 2^51 u_j (since L >= 2), so r_j + M_j lies in
// [2^52 u_j, 2^53 u_j), a binade whose spacing is exactly u_j: the sum is r_j rounded to a multiple
// of u_j, and subtracting M_j (same binade, Sterbenz) is exact. So q_j is r_j rounded to the grid
// u_j, |q_j| <= 2^E_j (2^E_j is itself on the grid). (2) r_j - q_j is exact: |r_j - q_j| <= u_j/2
// and it is a multiple of the spacing of r_j (if |r_j| < u_j/2 then q_j = 0). Hence
// |r_{j+1}| <= u_j / 2 = 2^E_{j+1}. (3) Every partial sum of at most 2^L values q_j is a multiple
// of u_j of magnitude <= 2^(E_j + L) = 2^53 u_j, hence exactly representable: S_j is exact in any
// order (lanes, vectors, the final horizontal sum). (4) If every remainder r_K is zero, then
// sum(x) = S_0 + ... + S_{K-1} exactly, and the K block totals are added to the superaccumulator.
// Otherwise (values spanning more than K*(54-L) bits below the block maximum, NaN) the block is
// retried with more slices and finally added through integer exponent bins (below); infinities,
// NaNs and blocks whose maximum is >= 2^1012 (where M_j or S_j could overflow) take that path too,
// and the array tail (< 16 values) is added value by value. Every path is exact, so the result
// does not depend on which one ran.
//
// With L = 10 each slice holds 44 bits: K = 2 covers 88 bits below the block maximum, i.e. every
// value within a factor 2^-35 of the largest one in its block (all of typical data).
//
// The kernel is compiled for AVX-512, AVX2 and baseline x86-64 (GCC vector extensions inside
// functions with target attributes) and chosen once at run time.
#include <brainsim/numeric/superaccumulator.hpp>

#include <brainsim/errors.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#if defined(__FAST_MATH__)
#error "brainsim's exact summation needs IEEE arithmetic: do not compile it with -ffast-math"
#endif
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif
// The 64-byte vector helpers below are internal and always inlined: no ABI is involved.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace brainsim::numeric {
namespace {

constexpr int block_log2 = 10;
constexpr std::size_t block_size = std::size_t{1} << block_log2;
constexpr std::size_t step = 16;  // block lengths are multiples of this (two vectors of up to eight)

// Native-width vectors for each instruction set (GCC vector extensions).
typedef double v2d __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));
typedef double v8d __attribute__((vector_size(64)));

template <class V>
constexpr int width = sizeof(V) / sizeof(double);
typedef std::int64_t v2i __attribute__((vector_size(16)));
typedef std::int64_t v4i __attribute__((vector_size(32)));
typedef std::int64_t v8i __attribute__((vector_size(64)));
template <class V>
struct ivec_of;
template <>
struct ivec_of<v2d> {
    using type = v2i;
};
template <>
struct ivec_of<v4d> {
    using type = v4i;
};
template <>
struct ivec_of<v8d> {
    using type = v8i;
};
template <class V>
using ivec = typename ivec_of<V>::type;

#define BRAINSIM_INLINE [[gnu::always_inline]] inline

template <class V>
BRAINSIM_INLINE V load(const double* p) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

template <class V>
BRAINSIM_INLINE V splat(double x) {
    V v;
    for (int k = 0; k < width<V>; ++k) v[k] = x;
    return v;
}

// max |x| over a block (NaN ignored: a NaN is caught later by the remainder check).
template <class V>
BRAINSIM_INLINE double block_absmax(const double* x, std::size_t n) {
    using I = ivec<V>;
    I mask;
    for (int k = 0; k < width<V>; ++k) mask[k] = 0x7fffffffffffffff;
    V m0 = splat<V>(0.0), m1 = m0;
    for (std::size_t i = 0; i < n; i += 2 * width<V>) {
        const V a = (V)((I)load<V>(x + i) & mask);
        const V b = (V)((I)load<V>(x + i + width<V>) & mask);
        m0 = a > m0 ? a : m0;
        m1 = b > m1 ? b : m1;
    }
    m0 = m1 > m0 ? m1 : m0;
    double m = 0.0;
    for (int k = 0; k < width<V>; ++k) m = m0[k] > m ? m0[k] : m;
    return m;
}

// 2^k as a double for k in [-1074, 1023].
BRAINSIM_INLINE double pow2(int k) {
    if (k >= -1022) return std::bit_cast<double>(std::uint64_t(k + 1023) << 52);
    return std::bit_cast<double>(std::uint64_t{1} << (k + 1074));
}

// One slice step for two vectors: peel the part of r on the grid of M into S, keep the rest in r.
template <class V>
BRAINSIM_INLINE void peel(V& r0, V& r1, V M, V& S0, V& S1) {
    const V q0 = (r0 + M) - M;
    const V q1 = (r1 + M) - M;
    S0 += q0;
    S1 += q1;
    r0 -= q0;
    r1 -= q1;
}

// The slicing kernel over n values (n a multiple of 16, at most 2^L), all |x| < 2^E. On success
// writes the K exact slice totals and returns true; returns false if some remainder is nonzero.
template <class V, int K>
BRAINSIM_INLINE bool slice_block(const double* x, std::size_t n, int E, double* totals) {
    static_assert(K == 2 || K == 4);
    using I = ivec<V>;
    constexpr int W = width<V>;
    double m[4] = {0, 0, 0, 0};
    int Ej = E;
    for (int j = 0; j < K; ++j) {
        const int ue = std::max(Ej + block_log2 - 53, -1074);
        m[j] = 1.5 * pow2(ue + 52);
        Ej = ue - 1;  // |r_{j+1}| <= u_j / 2
    }
    const V M0 = splat<V>(m[0]), M1 = splat<V>(m[1]), M2 = splat<V>(m[2]), M3 = splat<V>(m[3]);
    const V zero = splat<V>(0.0);
    V a0 = zero, b0 = zero, a1 = zero, b1 = zero, a2 = zero, b2 = zero, a3 = zero, b3 = zero;
    I nz0 = (I)zero, nz1 = (I)zero;
    for (std::size_t i = 0; i < n; i += 2 * W) {
        V r0 = load<V>(x + i);
        V r1 = load<V>(x + i + W);
        peel(r0, r1, M0, a0, b0);
        if constexpr (K == 4) {
            peel(r0, r1, M1, a1, b1);
            peel(r0, r1, M2, a2, b2);
        }
        // Last slice: the remainder r - q is zero exactly when r == q.
        const V ML = K == 4 ? M3 : M1;
        const V q0 = (r0 + ML) - ML;
        const V q1 = (r1 + ML) - ML;
        if constexpr (K == 4) {
            a3 += q0;
            b3 += q1;
        }
        else {
            a1 += q0;
            b1 += q1;
        }
        nz0 |= (I)(r0 != q0);
        nz1 |= (I)(r1 != q1);
    }
    const I nz = nz0 | nz1;
    std::int64_t any = 0;
    for (int k = 0; k < W; ++k) any |= nz[k];
    if (any != 0) return false;
    const V s[4] = {a0 + b0, a1 + b1, a2 + b2, a3 + b3};
    for (int j = 0; j < K; ++j) {
        double t = 0.0;
        for (int k = 0; k < W; ++k) t += s[j][k];  // exact: see (3) above
        totals[j] = t;
    }
    return true;
}

// Chooses how many slices to try first; after a block needed more (or the per-value path), later
// blocks start there for a while, so wide-range data does not pay for failed attempts each time.
struct slice_policy {
    int level = 0;  // 0: K = 2 first, 1: K = 4 first, 2: per-value path
    int cooldown = 0;
    void success(int used) {
        if (used > level) {
            level = used;
            cooldown = 16;
        }
        else if (level > 0 && --cooldown <= 0) {
            level = 0;
        }
    }
};

// Try to add the n values at x (n a multiple of 16, at most 2^L) through the slicing kernel.
// Returns false if the block must take the per-value path.
template <class V>
BRAINSIM_INLINE bool add_block_sliced(superaccumulator& acc, const double* x, std::size_t n, slice_policy& policy) {
    const double amax = block_absmax<V>(x, n);
    if (!(amax > 0.0)) {
        // All zeros, or only NaNs and zeros: nothing to add if they are all zeros.
        bool all_zero = true;
        for (std::size_t i = 0; i < n; ++i) all_zero &= (x[i] == 0.0);
        return all_zero;
    }
    if (!(amax < 0x1p1012)) return false;  // infinities, or too close to overflow for the slices
    const auto biased = static_cast<int>(std::bit_cast<std::uint64_t>(amax) >> 52);
    const int E = biased == 0 ? -1022 : biased - 1022;  // amax < 2^E
    double totals[4];
    if (policy.level == 0 && slice_block<V, 2>(x, n, E, totals)) {
        acc.add(totals[0]);
        acc.add(totals[1]);
        policy.success(0);
        return true;
    }
    if (policy.level <= 1 && slice_block<V, 4>(x, n, E, totals)) {
        for (double t: totals) acc.add(t);
        policy.success(1);
        return true;
    }
    policy.success(2);
    return false;
}

// The per-value path for blocks the slicing cannot take (wide exponent range, specials): integer
// bins indexed by the sign and exponent field, the top 12 bits of the double (Neal's "large
// superaccumulator" idea, with a flush per block instead of per-bin counters). A finite double with
// exponent field f and fraction t is (-1)^s * (t + h * 2^52) * 2^(max(f,1) - 1075), h = (f != 0),
// so bin[s*2048 + f] += t + h*2^52 collects exact integers. A block adds at most 2^10 values
// < 2^53 to a bin, which stays < 2^63. After each block the bins in the block's exponent range are
// moved into 128-bit bins (an add with carry each) and cleared; the 128-bit bins go into the
// superaccumulator once, at the end. When the block has no subnormal value, h is taken as 1 for
// every value: the only wrong additions are then the zeros' 2^52 in bins 0 and 2048, which hold
// nothing else and are discarded. Blocks with infinities or NaNs go value by value.
template <class V>
BRAINSIM_INLINE bool block_range(const double* x, std::size_t n, double& amin, double& amax) {
    using I = ivec<V>;
    I mask;
    for (int k = 0; k < width<V>; ++k) mask[k] = 0x7fffffffffffffff;
    const V zero = splat<V>(0.0), inf = splat<V>(__builtin_inf());
    V lo = inf, hi = zero;
    I nan = (I)zero;
    for (std::size_t i = 0; i < n; i += width<V>) {
        const V a = (V)((I)load<V>(x + i) & mask);
        hi = a > hi ? a : hi;
        const V b = a == zero ? inf : a;
        lo = b < lo ? b : lo;
        nan |= (I)(a != a);
    }
    amin = __builtin_inf();
    amax = 0.0;
    for (int k = 0; k < width<V>; ++k) {
        amin = lo[k] < amin ? lo[k] : amin;
        amax = hi[k] > amax ? hi[k] : amax;
    }
    std::int64_t any_nan = 0;
    for (int k = 0; k < width<V>; ++k) any_nan |= nan[k];
    return any_nan == 0;
}

struct exponent_bins {
    std::uint64_t bin[4096];
    std::vector<detail::u128> wide;  // 4096 128-bit bins, allocated on first use
    unsigned used_lo = 4096, used_hi = 0;  // range of wide bins in use (exponent fields)

    template <class V>
    BRAINSIM_INLINE void add_block(superaccumulator& acc, const double* x, std::size_t n) {
        double amin = 0.0, amax = 0.0;
        const bool no_nan = block_range<V>(x, n, amin, amax);
        if (!no_nan || !(amax <= 0x1.fffffffffffffp1023)) {  // NaN or inf: value by value
            for (std::size_t i = 0; i < n; ++i) acc.add(x[i]);
            return;
        }
        if (!(amax > 0.0)) return;  // all zeros
        if (wide.empty()) {
            wide.assign(4096, 0);
            std::memset(bin, 0, sizeof bin);
        }
        const auto f_lo = static_cast<unsigned>(std::bit_cast<std::uint64_t>(amin) >> 52);
        const auto f_hi = static_cast<unsigned>(std::bit_cast<std::uint64_t>(amax) >> 52);
        constexpr std::uint64_t frac = (std::uint64_t{1} << 52) - 1, hidden = std::uint64_t{1} << 52;
        if (f_lo != 0) {
            for (std::size_t i = 0; i < n; ++i) {
                const auto bits = std::bit_cast<std::uint64_t>(x[i]);
                bin[bits >> 52] += (bits & frac) | hidden;
            }
            bin[0] = bin[2048] = 0;  // zeros only (see above)
        }
        else {
            for (std::size_t i = 0; i < n; ++i) {
                const auto bits = std::bit_cast<std::uint64_t>(x[i]);
                bin[bits >> 52] += (bits & frac) | (std::uint64_t((bits & 0x7ff0000000000000ull) != 0) << 52);
            }
        }
        used_lo = std::min(used_lo, f_lo);
        used_hi = std::max(used_hi, f_hi);
        if (2 * std::size_t(f_hi - f_lo + 1) <= n) {
            for (unsigned f = f_lo; f <= f_hi; ++f) {
                wide[f] += bin[f];
                wide[2048 + f] += bin[2048 + f];
                bin[f] = bin[2048 + f] = 0;
            }
        }
        else {  // a very wide block: visit only the bins its values touched
            for (std::size_t i = 0; i < n; ++i) {
                const auto b = static_cast<unsigned>(std::bit_cast<std::uint64_t>(x[i]) >> 52);
                wide[b] += bin[b];
                bin[b] = 0;
            }
            bin[0] = bin[2048] = 0;
        }
    }

    // Add the 128-bit bins to the superaccumulator (exactly) and clear them.
    void flush(superaccumulator& acc) {
        for (unsigned f = used_lo; f <= used_hi && f < 2048; ++f) {
            const int e = static_cast<int>(f == 0 ? 1 : f) - 1075;
            for (unsigned sign = 0; sign < 2; ++sign) {
                const detail::u128 v = wide[sign * 2048 + f];
                if (v == 0) continue;
                const auto lo = static_cast<std::uint64_t>(v), hi = static_cast<std::uint64_t>(v >> 64);
                // v < 2^74 in practice; split into 62-bit pieces that fit add_scaled_int.
                const std::uint64_t p0 = lo & ((std::uint64_t{1} << 62) - 1);
                const std::uint64_t p1 = (lo >> 62) | (hi << 2);
                const auto s = static_cast<std::int64_t>(sign);
                acc.add_scaled_int((static_cast<std::int64_t>(p0) ^ -s) + s, e);
                if (p1 != 0) acc.add_scaled_int((static_cast<std::int64_t>(p1 & ((std::uint64_t{1} << 62) - 1)) ^ -s) + s, e + 62);
                if ((hi >> 60) != 0) acc.add_scaled_int((static_cast<std::int64_t>(hi >> 60) ^ -s) + s, e + 124);
                wide[sign * 2048 + f] = 0;
            }
        }
        used_lo = 4096;
        used_hi = 0;
    }
};

template <class V>
BRAINSIM_INLINE void add_array_impl(superaccumulator& acc, const double* x, std::size_t n) {
    slice_policy policy;
    exponent_bins bins;
    std::size_t i = 0;
    while (n - i >= step) {
        const std::size_t nb = std::min(n - i, block_size) & ~(step - 1);
        if (!add_block_sliced<V>(acc, x + i, nb, policy)) bins.add_block<V>(acc, x + i, nb);
        i += nb;
    }
    if (!bins.wide.empty()) bins.flush(acc);
    for (; i < n; ++i) acc.add(x[i]);
}

// Exact products p + e = a*b (TwoProduct with FMA) for a block, p in out[0..n), e in out[n..2n).
// Returns false if some product may lose bits to underflow (then the block is added pair by pair).
// p + e == a*b exactly whenever the lowest bits of a and b have exponents adding to >= -1074; that
// holds if |p| >= 2^-968 (the exact product is < 2^106 times its lowest bit) or a factor is zero.
// Overflowing or NaN products are caught by the slicing checks.
BRAINSIM_INLINE bool two_products(const double* a, const double* b, std::size_t n, double* out) {
    int unsafe = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double p = a[i] * b[i];
        out[i] = p;
        out[n + i] = __builtin_fma(a[i], b[i], -p);
        unsafe |= !(std::fabs(p) >= 0x1p-968) & (a[i] != 0.0) & (b[i] != 0.0);
    }
    return unsafe == 0;
}

template <class V>
BRAINSIM_INLINE void add_products_impl(superaccumulator& acc, const double* a, const double* b, std::size_t n) {
    slice_policy policy;
    alignas(64) double buffer[block_size];
    std::size_t i = 0;
    while (n - i >= step) {
        const std::size_t nb = std::min(n - i, block_size / 2) & ~(step - 1);
        const bool ok = two_products(a + i, b + i, nb, buffer) && add_block_sliced<V>(acc, buffer, 2 * nb, policy);
        if (!ok)
            for (std::size_t k = 0; k < nb; ++k) acc.add_product(a[i + k], b[i + k]);
        i += nb;
    }
    for (; i < n; ++i) acc.add_product(a[i], b[i]);
}

void add_array_base(superaccumulator& acc, const double* x, std::size_t n) { add_array_impl<v2d>(acc, x, n); }

void add_products_base(superaccumulator& acc, const double* a, const double* b, std::size_t n) {
    // No hardware FMA assumed: exact products pair by pair.
    for (std::size_t i = 0; i < n; ++i) acc.add_product(a[i], b[i]);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define BRAINSIM_HAVE_DISPATCH 1
[[gnu::target("avx2,fma")]] void add_array_avx2(superaccumulator& acc, const double* x, std::size_t n) {
    add_array_impl<v4d>(acc, x, n);
}
[[gnu::target("avx2,fma")]] void add_products_avx2(superaccumulator& acc, const double* a, const double* b,
                                                   std::size_t n) {
    add_products_impl<v4d>(acc, a, b, n);
}
[[gnu::target("avx512f,avx2,fma")]] void add_array_avx512(superaccumulator& acc, const double* x, std::size_t n) {
    add_array_impl<v8d>(acc, x, n);
}
[[gnu::target("avx512f,avx2,fma")]] void add_products_avx512(superaccumulator& acc, const double* a,
                                                             const double* b, std::size_t n) {
    add_products_impl<v8d>(acc, a, b, n);
}
#endif

using add_array_fn = void (*)(superaccumulator&, const double*, std::size_t);
using add_products_fn = void (*)(superaccumulator&, const double*, const double*, std::size_t);

struct kernels {
    add_array_fn add_array = add_array_base;
    add_products_fn add_products = add_products_base;
    const char* name = "baseline";
};

constexpr kernels baseline_kernels{};
#ifdef BRAINSIM_HAVE_DISPATCH
constexpr kernels avx2_kernels{add_array_avx2, add_products_avx2, "avx2"};
constexpr kernels avx512_kernels{add_array_avx512, add_products_avx512, "avx512"};
bool cpu_has_avx2() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
bool cpu_has_avx512() { return cpu_has_avx2() && __builtin_cpu_supports("avx512f"); }
#endif

const kernels* select_kernels() {
#ifdef BRAINSIM_HAVE_DISPATCH
    if (cpu_has_avx512()) return &avx512_kernels;
    if (cpu_has_avx2()) return &avx2_kernels;
#endif
    return &baseline_kernels;
}

std::atomic<const kernels*>& kernel_slot() {
    static std::atomic<const kernels*> k{select_kernels()};
    return k;
}

const kernels& active_kernels() { return *kernel_slot().load(std::memory_order_relaxed); }

}  // namespace

void superaccumulator::add(std::span<const double> xs) {
    active_kernels().add_array(*this, xs.data(), xs.size());
}

void superaccumulator::add_products(std::span<const double> a, std::span<const double> b) {
    if (a.size() != b.size())
        throw config_error("b", "an array of length " + std::to_string(b.size()),
                           "the same length as a (" + std::to_string(a.size()) + ")");
    active_kernels().add_products(*this, a.data(), b.data(), a.size());
}

namespace detail {
const char* exact_sum_kernel_name() { return active_kernels().name; }

bool force_exact_sum_kernel(const std::string& name) {
    const kernels* k = nullptr;
    if (name == "baseline") k = &baseline_kernels;
#ifdef BRAINSIM_HAVE_DISPATCH
    if (name == "avx2" && cpu_has_avx2()) k = &avx2_kernels;
    if (name == "avx512" && cpu_has_avx512()) k = &avx512_kernels;
#endif
    if (k == nullptr) return false;
    kernel_slot().store(k);
    return true;
}
}  // namespace detail

}  // namespace brainsim::numeric
