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

namespace brainsim::numeric {

struct philox4x64_10 {
    using counter_type = std::array<std::uint64_t, 4>;
    using key_type = std::array<std::uint64_t, 2>;

    static constexpr std::uint64_t m0 = 0xD2E7470EE14C6C93ULL;  // Philox4x64 multipliers
    static constexpr std::uint64_t m1 = 0xCA5A826395121157ULL;
    static constexpr std::uint64_t w0 = 0x9E3779B97F4A7C15ULL;  // Weyl key increments (golden ratio,
    static constexpr std::uint64_t w1 = 0xBB67AE8584CAA73BULL;  //  sqrt(3) - 1)

    static inline void mulhilo(std::uint64_t a, std::uint64_t b, std::uint64_t& hi, std::uint64_t& lo) {
        const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
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
