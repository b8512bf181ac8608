#include <brainsim/wholebrain/kernels.hpp>

#include <algorithm>

namespace brainsim::wholebrain::detail {
namespace {

template <int B>
inline void blocked(const double* buf, std::size_t L, std::size_t p0, const std::int32_t* src,
                    const std::int32_t* del, const double* w, std::int64_t e0, std::int64_t e1, std::size_t m,
                    double* out) {
    for (std::size_t kb = 0; kb < m; kb += B) {
        double a[B] = {};
        for (auto e = e0; e < e1; ++e) {
            const auto j = static_cast<std::size_t>(src[e]);
            const auto d = static_cast<std::size_t>(del[e]);
            const double we = w[e];
            const double* s = buf + j * 2 * L + (p0 >= d ? p0 - d : p0 + L - d) + kb;
            for (int q = 0; q < B; ++q) a[q] += we * s[q];
        }
        const std::size_t lim = std::min<std::size_t>(B, m - kb);
        for (std::size_t q = 0; q < lim; ++q) out[kb + q] = a[q];
    }
}

}  // namespace

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void window_sums(const double* buf, std::size_t L, std::size_t p0, const std::int32_t* src,
                 const std::int32_t* del, const double* w, std::int64_t e0, std::int64_t e1, std::size_t m,
                 double* out) {
    if (m <= 4) blocked<4>(buf, L, p0, src, del, w, e0, e1, m, out);
    else blocked<8>(buf, L, p0, src, del, w, e0, e1, m, out);
}

}  // namespace brainsim::wholebrain::detail
