#pragma once
// Hot loops of the whole-brain engine, compiled once in cpp/src/wholebrain/kernels.cpp (with an AVX2
// clone chosen at load time on CPUs that have it; additions and multiplications stay separate, so every
// clone gives the same bits).

#include <cstddef>
#include <cstdint>

namespace brainsim::wholebrain::detail {

// out[k] = sum_{e in [e0, e1)} w[e] * buf[src[e] * 2L + ((p0 - del[e]) mod L) + k] for k < m, each
// sum in edge order. The buffer of a node is 2L values (every slot written twice, at s and s + L),
// so a window of up to L values starting at any slot < L is contiguous. Reads up to 7 values past
// the window (B = 8 blocks); callers size L for that.
void window_sums(const double* buf, std::size_t L, std::size_t p0, const std::int32_t* src,
                 const std::int32_t* del, const double* w, std::int64_t e0, std::int64_t e1, std::size_t m,
                 double* out);

}  // namespace brainsim::wholebrain::detail
