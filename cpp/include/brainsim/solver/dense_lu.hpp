#pragma once
// Dense LU decomposition with partial (row) pivoting for the small systems of the Rosenbrock
// stages (n up to a few hundred). Row-major storage; the factors overwrite the matrix. One
// factorisation serves every stage of a step.

#include <cmath>
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace brainsim::solver {

class dense_lu {
public:
    dense_lu() = default;
    explicit dense_lu(std::size_t n) { resize(n); }

    void resize(std::size_t n) {
        n_ = n;
        a_.assign(n * n, 0.0);
        piv_.assign(n, 0);
    }
    std::size_t size() const { return n_; }

    // The matrix to factor, row-major n x n; fill it, then call factor().
    std::span<double> matrix() { return a_; }

    // Factor in place. Returns false if a pivot is zero or non-finite (singular matrix).
    bool factor() {
        const std::size_t n = n_;
        double* a = a_.data();
        for (std::size_t k = 0; k < n; ++k) {
            std::size_t p = k;
            double best = std::abs(a[k * n + k]);
            for (std::size_t i = k + 1; i < n; ++i) {
                const double v = std::abs(a[i * n + k]);
                if (v > best) {
                    best = v;
                    p = i;
                }
            }
            if (!(best > 0.0) || !std::isfinite(best)) return false;
            piv_[k] = p;
            if (p != k) {
                for (std::size_t j = 0; j < n; ++j) std::swap(a[k * n + j], a[p * n + j]);
            }
            const double inv = 1.0 / a[k * n + k];
            for (std::size_t i = k + 1; i < n; ++i) {
                double* ri = a + i * n;
                const double l = ri[k] * inv;
                ri[k] = l;
                if (l != 0.0) {
                    const double* rk = a + k * n;
                    for (std::size_t j = k + 1; j < n; ++j) ri[j] -= l * rk[j];
                }
            }
        }
        for (const double v: a_) {
            if (!std::isfinite(v)) return false;
        }
        return true;
    }

    // Solve A x = b in place with the factors of the last successful factor().
    void solve(std::span<double> b) const {
        const std::size_t n = n_;
        const double* a = a_.data();
        for (std::size_t k = 0; k < n; ++k) {
            if (piv_[k] != k) std::swap(b[k], b[piv_[k]]);
        }
        for (std::size_t i = 1; i < n; ++i) {
            double s = b[i];
            const double* ri = a + i * n;
            for (std::size_t j = 0; j < i; ++j) s -= ri[j] * b[j];
            b[i] = s;
        }
        for (std::size_t ii = n; ii-- > 0;) {
            double s = b[ii];
            const double* ri = a + ii * n;
            for (std::size_t j = ii + 1; j < n; ++j) s -= ri[j] * b[j];
            b[ii] = s / ri[ii];
        }
    }

private:
    std::size_t n_ = 0;
    std::vector<double> a_;
    std::vector<std::size_t> piv_;
};

}  // namespace brainsim::solver
