#pragma once
// Draws for network construction from the counter-based Philox generator (numeric/counter_rng.hpp).
// Every draw is a pure function of (seed, stream, counter words), so which partition, thread or rank
// evaluates it cannot change its value.

#include <brainsim/network/spec.hpp>
#include <brainsim/numeric/counter_rng.hpp>

#include <array>
#include <cmath>
#include <cstdint>

namespace brainsim::network {

__extension__ typedef unsigned __int128 uint128_t;

// A short sequential stream of 64-bit words for one key: Philox(counter = {a, b, block, tag}).
class keyed_stream {
public:
    keyed_stream(std::uint64_t seed, std::uint64_t stream, std::uint64_t a, std::uint64_t b = 0,
                 std::uint64_t tag = 0):
        key_{seed, stream}, a_(a), b_(b), tag_(tag) {}

    std::uint64_t next() {
        if (used_ == 4) {
            words_ = numeric::philox4x64_10::generate({a_, b_, block_++, tag_}, key_);
            used_ = 0;
        }
        return words_[used_++];
    }
    double uniform() { return numeric::u01_open(next()); }  // (0, 1)
    // Integer in [0, n): Lemire's multiply-shift (bias <= n / 2^64).
    std::uint64_t below(std::uint64_t n) {
        return static_cast<std::uint64_t>((static_cast<uint128_t>(next()) * n) >> 64);
    }
    double normal() {
        if (have_spare_) { have_spare_ = false; return spare_; }
        double z0, z1;
        numeric::box_muller(next(), next(), z0, z1);
        spare_ = z1;
        have_spare_ = true;
        return z0;
    }

private:
    std::array<std::uint64_t, 2> key_;
    std::uint64_t a_, b_, tag_, block_ = 0;
    std::array<std::uint64_t, 4> words_{};
    int used_ = 4;
    double spare_ = 0.0;
    bool have_spare_ = false;
};

// Draw one value of a (random) value_spec from a stream. Normal values outside [low, high] are
// redrawn (at most 10000 times, then config_error) or clipped.
double draw_value(const value_spec& v, keyed_stream& rng, const char* what);

// Stream identifiers of the network engine (distinct from the other subsystems' streams).
namespace stream {
inline constexpr std::uint64_t connect = 0x434F'4E4E'0000'0000ULL;      // "CONN" | projection index
inline constexpr std::uint64_t weight = 0x5745'4947'0000'0000ULL;       // "WEIG" | projection index
inline constexpr std::uint64_t delay = 0x4445'4C41'0000'0000ULL;        // "DELA" | projection index
inline constexpr std::uint64_t initial = 0x494E'4954'0000'0000ULL;      // "INIT" | pop << 16 | var
inline constexpr std::uint64_t stimulus = 0x5354'494D'0000'0000ULL;     // "STIM" | stimulus index
}  // namespace stream

}  // namespace brainsim::network
