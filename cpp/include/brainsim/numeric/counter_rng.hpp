#pragma once
// Counter-based random numbers: Philox4x64-10 (Salmon, Moraes, Dror & Shaw, "Parallel random numbers:
// as easy as 1, 2, 3", SC'11; the generator behind Random123 and numpy.random.Philox).
//
// A counter-based generator is a keyed bijection: output = philox(counter, key). There is no hidden
// state, so the random number used for (seed, node, step) is a pure function of those integers and
// cannot depend on thread count, partitioning or evaluation order. brainsim keys every stream as
//     key     = {seed, stream}            (stream: which subsystem / purpose)
//     counter = {step, entity, lane, 0}   (entity: node or neuron global id; lane: extra index)
// and draws four 64-bit words per call.
//
// Known-answer vectors (Random123 kat_vectors, also reproduced by numpy.random.Philox) are checked in
// tests/cpp/unit/test_mass_rng.cpp; uniformity and normal moments are tested there too.

#include <array>
#include <cmath>
#include <cstdint>
#include <utility>

namespace brainsim::numeric {

namespace detail {
__extension__ typedef unsigned __int128 uint128;  // GCC/Clang extension; __extension__ keeps -Wpedantic quiet
}

struct philox4x64_10 {
    using counter_type = std::array<std::uint64_t, 4>;
    using key_type = std::array<std::uint64_t, 2>;

    static constexpr std::uint64_t m0 = 0xD2E7470EE14C6C93ULL;  // Philox4x64 multipliers
    static constexpr std::uint64_t m1 = 0xCA5A826395121157ULL;
    static constexpr std::uint64_t w0 = 0x9E3779B97F4A7C15ULL;  // Weyl key increments (golden ratio,
    static constexpr std::uint64_t w1 = 0xBB67AE8584CAA73BULL;  //  sqrt(3) - 1)

    static inline void mulhilo(std::uint64_t a, std::uint64_t b, std::uint64_t& hi, std::uint64_t& lo) {
        const detail::uint128 p = static_cast<detail::uint128>(a) * b;
        hi = static_cast<std::uint64_t>(p >> 64);
        lo = static_cast<std::uint64_t>(p);
    }

    static inline counter_type generate(counter_type c, key_type k) {
        for (int round = 0; round < 10; ++round) {
            std::uint64_t hi0, lo0, hi1, lo1;
            mulhilo(m0, c[0], hi0, lo0);
            mulhilo(m1, c[2], hi1, lo1);
            c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
            k[0] += w0;
            k[1] += w1;
        }
        return c;
    }

    // Two blocks with the same key, rounds interleaved (independent multiply chains overlap in the CPU);
    // identical to two generate() calls.
    static inline void generate2(counter_type& a, counter_type& b, key_type k) {
        for (int round = 0; round < 10; ++round) {
            std::uint64_t ha0, la0, ha1, la1, hb0, lb0, hb1, lb1;
            mulhilo(m0, a[0], ha0, la0);
            mulhilo(m0, b[0], hb0, lb0);
            mulhilo(m1, a[2], ha1, la1);
            mulhilo(m1, b[2], hb1, lb1);
            a = {ha1 ^ a[1] ^ k[0], la1, ha0 ^ a[3] ^ k[1], la0};
            b = {hb1 ^ b[1] ^ k[0], lb1, hb0 ^ b[3] ^ k[1], lb0};
            k[0] += w0;
            k[1] += w1;
        }
    }
};

// A 64-bit word to a double in the open interval (0, 1): the top 53 bits plus half an ulp, so
// log(u) is always finite.
inline double u01_open(std::uint64_t x) {
    return (static_cast<double>(x >> 11) + 0.5) * 0x1.0p-53;
}

// Two independent standard normals from two uniforms (Box-Muller). Exact in distribution up to the
// 53-bit resolution of the uniforms (tails reach |z| ~ 8.6).
inline void box_muller(std::uint64_t a, std::uint64_t b, double& z0, double& z1) {
    const double r = std::sqrt(-2.0 * std::log(u01_open(a)));
    const double theta = 6.283185307179586476925286766559 * u01_open(b);
    z0 = r * std::cos(theta);
    z1 = r * std::sin(theta);
}

// Standard normal by the ziggurat method (Marsaglia & Tsang 2000, J. Stat. Softw. 5(8); 256 layers as in
// Doornik 2005 "An improved ziggurat method", r = 3.6541528853610088). One 64-bit
// word decides 98.8% of draws: bits 0-7 the layer, bit 8 the sign, bits 11-63 a 53-bit uniform.
// Rejections and the tail take further words from more(), a callable returning fresh 64-bit words
// (brainsim derives them from other Philox counters, so the result stays a pure function of the key).
// Exact in distribution up to the 53-bit resolution.
struct ziggurat_tables {
    static constexpr double r = 3.6541528853610088;
    double v;           // area of every layer: r f(r) + tail mass = 4.928673233974658e-3
    double x[257];
    double ratio[256];  // x[i+1] / x[i]
    double f[257];      // exp(-x^2/2)
    ziggurat_tables() {
        v = r * std::exp(-0.5 * r * r) + std::sqrt(0.5 * 3.14159265358979323846) * std::erfc(r / std::sqrt(2.0));
        x[1] = r;
        x[0] = v / std::exp(-0.5 * r * r);
        for (int i = 1; i < 255; ++i) x[i + 1] = std::sqrt(-2.0 * std::log(v / x[i] + std::exp(-0.5 * x[i] * x[i])));
        x[256] = 0.0;
        for (int i = 0; i < 256; ++i) ratio[i] = x[i + 1] / x[i];
        for (int i = 0; i < 257; ++i) f[i] = std::exp(-0.5 * x[i] * x[i]);
    }
    static const ziggurat_tables& get() {
        static const ziggurat_tables t;
        return t;
    }
};

template <class More>
inline double ziggurat_normal(std::uint64_t w, More&& more) {
    const ziggurat_tables& t = ziggurat_tables::get();
    for (;;) {
        const auto i = static_cast<int>(w & 0xFF);
        const double sign = (w & 0x100) ? -1.0 : 1.0;
        const double u = static_cast<double>(w >> 11) * 0x1.0p-53;  // [0, 1)
        if (u < t.ratio[i]) return sign * u * t.x[i];
        if (i == 0) {  // tail beyond r (Marsaglia 1964)
            double xx, yy;
            do {
                xx = -std::log(u01_open(more())) / ziggurat_tables::r;
                yy = -std::log(u01_open(more()));
            } while (!(yy + yy >= xx * xx));
            return sign * (ziggurat_tables::r + xx);
        }
        const double xv = u * t.x[i];
        const double y = t.f[i] + u01_open(more()) * (t.f[i + 1] - t.f[i]);
        if (y < std::exp(-0.5 * xv * xv)) return sign * xv;
        w = more();
    }
}

namespace detail {
// Normal q of ziggurat4 when its first word is rejected by the fast path (1.2% of draws): the full
// ziggurat with further words from the blocks {step, entity, 1 + q, k}, k = 0, 1, ...
[[gnu::noinline]] inline double ziggurat_slow(std::uint64_t w, const philox4x64_10::key_type& key, std::uint64_t step,
                                              std::uint64_t entity, std::uint64_t q) {
    std::uint64_t k = 0;
    int used = 4;
    philox4x64_10::counter_type extra{};
    auto more = [&]() {
        if (used == 4) {
            extra = philox4x64_10::generate({step, entity, 1 + q, k++}, key);
            used = 0;
        }
        return extra[static_cast<std::size_t>(used++)];
    };
    return ziggurat_normal(w, more);
}
}  // namespace detail

// Four standard normals (ziggurat) for (seed, stream, step, entity): the four words of the Philox
// block {step, entity, 0, 0}; normal q's rejections use blocks {step, entity, 1 + q, k}, k = 0, 1, ...
// The common case (all four accepted at once) is inline; it gives the same bits as ziggurat_normal.
inline std::array<double, 4> ziggurat4(std::uint64_t seed, std::uint64_t stream, std::uint64_t step,
                                       std::uint64_t entity, const ziggurat_tables& t = ziggurat_tables::get()) {
    const philox4x64_10::key_type key{seed, stream};
    const auto w = philox4x64_10::generate({step, entity, 0, 0}, key);
    std::array<double, 4> z;
    for (std::uint64_t q = 0; q < 4; ++q) {
        const std::uint64_t wq = w[q];
        const auto i = static_cast<std::size_t>(wq & 0xFF);
        const double u = static_cast<double>(wq >> 11) * 0x1.0p-53;
        const double su = (wq & 0x100) ? -u : u;
        z[q] = u < t.ratio[i] ? su * t.x[i] : detail::ziggurat_slow(wq, key, step, entity, q);
    }
    return z;
}

// ziggurat4 for the blocks b0 .. b1-1 of one entity, written to z[4 (b - b0) + q]; two Philox blocks at
// a time (generate2). Same numbers as calling ziggurat4 per block.
inline void ziggurat4_run(std::uint64_t seed, std::uint64_t stream, std::uint64_t b0, std::uint64_t b1,
                          std::uint64_t entity, double* z, const ziggurat_tables& t = ziggurat_tables::get()) {
    const philox4x64_10::key_type key{seed, stream};
    auto finish = [&](const philox4x64_10::counter_type& w, std::uint64_t step, double* out) {
        for (std::uint64_t q = 0; q < 4; ++q) {
            const std::uint64_t wq = w[q];
            const auto i = static_cast<std::size_t>(wq & 0xFF);
            const double u = static_cast<double>(wq >> 11) * 0x1.0p-53;
            const double su = (wq & 0x100) ? -u : u;
            out[q] = u < t.ratio[i] ? su * t.x[i] : detail::ziggurat_slow(wq, key, step, entity, q);
        }
    };
    std::uint64_t b = b0;
    for (; b + 1 < b1; b += 2) {
        philox4x64_10::counter_type wa{b, entity, 0, 0}, wb{b + 1, entity, 0, 0};
        philox4x64_10::generate2(wa, wb, key);
        finish(wa, b, z + 4 * (b - b0));
        finish(wb, b + 1, z + 4 * (b + 1 - b0));
    }
    if (b < b1) finish(philox4x64_10::generate({b, entity, 0, 0}, key), b, z + 4 * (b - b0));
}

// Four standard normals for (seed, stream, step, entity, lane): one Philox call.
inline std::array<double, 4> normals4(std::uint64_t seed, std::uint64_t stream, std::uint64_t step,
                                      std::uint64_t entity, std::uint64_t lane = 0) {
    const auto w = philox4x64_10::generate({step, entity, lane, 0}, {seed, stream});
    std::array<double, 4> z;
    box_muller(w[0], w[1], z[0], z[1]);
    box_muller(w[2], w[3], z[2], z[3]);
    return z;
}

// Four uniforms in (0, 1) for the same kind of key.
inline std::array<double, 4> uniforms4(std::uint64_t seed, std::uint64_t stream, std::uint64_t step,
                                       std::uint64_t entity, std::uint64_t lane = 0) {
    const auto w = philox4x64_10::generate({step, entity, lane, 0}, {seed, stream});
    return {u01_open(w[0]), u01_open(w[1]), u01_open(w[2]), u01_open(w[3])};
}

// Stream identifiers used by brainsim subsystems (keep them distinct).
namespace stream {
inline constexpr std::uint64_t wholebrain_noise = 0x5742'4E4F'4953'4500ULL;   // "WBNOISE"
inline constexpr std::uint64_t wholebrain_init = 0x5742'494E'4954'0000ULL;    // "WBINIT"
inline constexpr std::uint64_t observation_noise = 0x4F42'534E'4F49'5345ULL;  // "OBSNOISE"
}  // namespace stream

}  // namespace brainsim::numeric
