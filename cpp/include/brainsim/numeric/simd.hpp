#pragma once
// Fixed-width packs of doubles for the branch-free batched neuron updates (models' step_batch).
//
// A pack holds `lanes` doubles and is written with the GCC/Clang vector extension, so the compiler
// maps it onto whatever the build targets: one AVX-512 register (8 lanes) or one AVX register
// (4 lanes). Every operation is the IEEE operation of the scalar code applied lane by lane (no
// reassociation; contraction into FMA is switched off for the whole library, see CMakeLists.txt),
// so a model's step_batch gives bitwise the results of its step() at any vector width, and a
// -march=native build the same results as a portable one. Selects are bitwise
// (mask & a | ~mask & b); comparisons give all-ones masks.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#if defined(__AVX__)
#include <immintrin.h>
#endif

namespace brainsim::numeric::simd {

// Used where the build targets AVX or later (-march=native on a current x86-64; BRAINSIM_SIMD_PACKS
// is then defined). On an SSE2-only target GCC lowers packs wider than 16 bytes poorly (spills and
// per-lane selects), so there the models keep hand-written SSE2 code with the same operations.
#if (defined(__GNUC__) || defined(__clang__)) && defined(__AVX__)
#define BRAINSIM_SIMD_PACKS 1
// Packs wider than the target's registers are passed in memory when a call is not inlined; GCC notes
// that this calling convention differs between targets (-Wpsabi, switched off for the library and
// its consumers in CMakeLists.txt). The packs never cross a library interface.
inline constexpr bool available = true;
#ifndef BRAINSIM_SIMD_LANES
#if defined(__AVX512F__)
#define BRAINSIM_SIMD_LANES 8
#else
#define BRAINSIM_SIMD_LANES 4
#endif
#endif
inline constexpr std::size_t lanes = BRAINSIM_SIMD_LANES;
typedef double pd __attribute__((vector_size(lanes * sizeof(double))));
typedef std::int64_t pi __attribute__((vector_size(lanes * sizeof(double))));

inline pd load(const double* p) {
    pd v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void store(double* p, pd v) { std::memcpy(p, &v, sizeof v); }
inline pd broadcast(double x) { return pd{} + x; }
inline pi as_int(pd v) { return std::bit_cast<pi>(v); }
inline pd as_double(pi v) { return std::bit_cast<pd>(v); }
// m ? a : b per lane, for masks m of all ones or all zeros (results of comparisons)
inline pd select(pi m, pd a, pd b) { return as_double((m & as_int(a)) | (~m & as_int(b))); }
// out[l] = 1 where cross is set and ref is not, else 0 (the spike flags of a batched update).
// Narrowed in registers: writing the pack to memory and reading lanes back stalls on store
// forwarding, and extracting lanes by index makes GCC scalarise the selects sharing the masks.
inline void spike_bytes(pi ref, pi cross, std::uint8_t* out) {
    const pi flags = cross & ~ref & 1;
#if defined(__AVX512F__) && BRAINSIM_SIMD_LANES == 8
    // (the masked form: GCC 12 warns about the unmasked one's undefined upper half)
    const __m128i b = _mm512_mask_cvtepi64_epi8(_mm_setzero_si128(), 0xFF, std::bit_cast<__m512i>(flags));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), b);
#elif BRAINSIM_SIMD_LANES == 4
    const auto m = static_cast<std::uint32_t>(_mm256_movemask_pd(std::bit_cast<__m256d>(-flags)));
    const std::uint32_t w = (m & 1u) | ((m & 2u) << 7) | ((m & 4u) << 14) | ((m & 8u) << 21);
    std::memcpy(out, &w, 4);  // little-endian x86: byte l is lane l
#else
    for (std::size_t l = 0; l < lanes; ++l) out[l] = static_cast<std::uint8_t>(flags[l]);
#endif
}
#else
inline constexpr bool available = false;
inline constexpr std::size_t lanes = 1;
#endif

}  // namespace brainsim::numeric::simd
