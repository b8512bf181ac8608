#pragma once
// Dense LU decomposition with partial (row) pivoting for the small systems of the Rosenbrock
// stages (n up to a few hundred). Row-major storage; the factors overwrite the matrix. One
// factorisation serves every stage of a step.

#include <cmath>
#include <cstddef>
#include <limits>
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
        inv_diag_.assign(n, 0.0);
    }
    std::size_t size() const { return n_; }

    // The matrix to factor, row-major n x n; fill it, then call factor().
    std::span<double> matrix() { return a_; }

    // Factor in place. Returns false if a pivot is zero or non-finite (singular matrix). A non-finite
    // entry that does not reach a pivot shows up as a non-finite solution, which the callers check.
    // Sizes up to 8 run a loop specialised on n (fully unrolled by the compiler: the 4 x 4 HH
    // system costs about as much as one HH rhs evaluation less than the generic loop).
    bool factor() {
        switch (n_) {
        case 1: return factor_n<1>();
        case 2: return factor_n<2>();
        case 3: return factor_n<3>();
        case 4: return factor_n<4>();
        case 5: return factor_n<5>();
        case 6: return factor_n<6>();
        case 7: return factor_n<7>();
        case 8: return factor_n<8>();
        default: return factor_n<0>();
        }
    }

    // Solve A x = b in place with the factors of the last successful factor().
    void solve(std::span<double> b) const {
        switch (n_) {
        case 1: return solve_n<1>(b.data());
        case 2: return solve_n<2>(b.data());
        case 3: return solve_n<3>(b.data());
        case 4: return solve_n<4>(b.data());
        case 5: return solve_n<5>(b.data());
        case 6: return solve_n<6>(b.data());
        case 7: return solve_n<7>(b.data());
        case 8: return solve_n<8>(b.data());
        default: return solve_n<0>(b.data());
        }
    }

private:
    // N > 0: compile-time size; N = 0: n_.
    template <std::size_t N>
    bool factor_n() {
        const std::size_t n = N ? N : n_;
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
            if (!(best > 0.0) || !(best <= std::numeric_limits<double>::max())) return false;
            piv_[k] = p;
            if (p != k) {
                for (std::size_t j = 0; j < n; ++j) std::swap(a[k * n + j], a[p * n + j]);
            }
            const double inv = 1.0 / a[k * n + k];
            inv_diag_[k] = inv;
            const double* rk = a + k * n;
            for (std::size_t i = k + 1; i < n; ++i) {
                double* ri = a + i * n;
                const double l = ri[k] * inv;
                ri[k] = l;
                for (std::size_t j = k + 1; j < n; ++j) ri[j] -= l * rk[j];
            }
        }
        return true;
    }

    template <std::size_t N>
    void solve_n(double* b) const {
        const std::size_t n = N ? N : n_;
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
            b[ii] = s * inv_diag_[ii];
        }
    }

    std::size_t n_ = 0;
    std::vector<double> a_;
    std::vector<std::size_t> piv_;
    std::vector<double> inv_diag_;
};

}  // namespace brainsim::solver
