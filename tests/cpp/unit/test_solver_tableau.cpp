// Order conditions of the Rosenbrock tableaus (Hairer & Wanner II, Table IV.7.1), checked on the
// untransformed coefficients recovered from the transformed ones stored in the code:
//   Gamma^-1 = diag(1/gamma) - C,  alpha = a Gamma,  b = m Gamma,  b_hat = (m - e) Gamma,
//   beta_ij = alpha_ij + gamma_ij (j < i),  alpha_i = sum_j alpha_ij,  beta'_i = sum_j beta_ij.
// Conditions (gamma = diagonal):
//   p=1: sum b_i = 1
//   p=2: sum b_i beta'_i = 1/2 - gamma
//   p=3: sum b_i alpha_i^2 = 1/3;  sum b_i beta_ij beta'_j = 1/6 - gamma + gamma^2
//   p=4: sum b_i alpha_i^3 = 1/4;  sum b_i alpha_i alpha_ij beta'_j = 1/8 - gamma/3;
//        sum b_i beta_ij alpha_j^2 = 1/12 - gamma/3;
//        sum b_i beta_ij beta_jk beta'_k = 1/24 - gamma/2 + 3 gamma^2/2 - gamma^3
#include <brainsim/solver/rosenbrock_tableau.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace brainsim::solver;

namespace {

using mat = std::vector<std::vector<double>>;

mat inverse_lower(const mat& L) {
    const std::size_t s = L.size();
    mat X(s, std::vector<double>(s, 0.0));
    for (std::size_t j = 0; j < s; ++j) {
        X[j][j] = 1.0 / L[j][j];
        for (std::size_t i = j + 1; i < s; ++i) {
            double sum = 0.0;
            for (std::size_t k = j; k < i; ++k) sum += L[i][k] * X[k][j];
            X[i][j] = -sum / L[i][i];
        }
    }
    return X;
}

struct untransformed {
    int s;
    double gamma;
    mat alpha, beta, Gamma;
    std::vector<double> b, bhat, alpha_sum, beta_sum, gamma_sum;
};

untransformed recover(const rosenbrock_tableau& t) {
    const int s = t.stages;
    mat Ginv(s, std::vector<double>(s, 0.0));
    for (int i = 0; i < s; ++i) {
        Ginv[i][i] = 1.0 / t.gamma;
        for (int j = 0; j < i; ++j) Ginv[i][j] = -t.c[i][j];
    }
    untransformed u;
    u.s = s;
    u.gamma = t.gamma;
    u.Gamma = inverse_lower(Ginv);
    u.alpha.assign(s, std::vector<double>(s, 0.0));
    u.beta.assign(s, std::vector<double>(s, 0.0));
    u.b.assign(s, 0.0);
    u.bhat.assign(s, 0.0);
    u.alpha_sum.assign(s, 0.0);
    u.beta_sum.assign(s, 0.0);
    u.gamma_sum.assign(s, 0.0);
    for (int i = 0; i < s; ++i) {
        for (int j = 0; j < i; ++j) {
            double v = 0.0;
            for (int k = j; k < i; ++k) v += t.a[i][k] * u.Gamma[k][j];
            u.alpha[i][j] = v;
        }
    }
    for (int j = 0; j < s; ++j) {
        for (int i = j; i < s; ++i) {
            u.b[j] += t.m[i] * u.Gamma[i][j];
            u.bhat[j] += (t.m[i] - t.e[i]) * u.Gamma[i][j];
        }
    }
    for (int i = 0; i < s; ++i) {
        for (int j = 0; j < i; ++j) {
            u.beta[i][j] = u.alpha[i][j] + u.Gamma[i][j];
            u.alpha_sum[i] += u.alpha[i][j];
            u.beta_sum[i] += u.beta[i][j];
        }
        for (int j = 0; j <= i; ++j) u.gamma_sum[i] += u.Gamma[i][j];
    }
    return u;
}

// Residuals of the 8 conditions up to order 4 for weights w.
std::vector<double> residuals(const untransformed& u, const std::vector<double>& w) {
    const int s = u.s;
    const double g = u.gamma;
    double c[8] = {};
    for (int i = 0; i < s; ++i) {
        const double ai = u.alpha_sum[i];
        c[0] += w[i];
        c[1] += w[i] * u.beta_sum[i];
        c[2] += w[i] * ai * ai;
        c[4] += w[i] * ai * ai * ai;
        for (int j = 0; j < i; ++j) {
            c[3] += w[i] * u.beta[i][j] * u.beta_sum[j];
            c[5] += w[i] * ai * u.alpha[i][j] * u.beta_sum[j];
            c[6] += w[i] * u.beta[i][j] * u.alpha_sum[j] * u.alpha_sum[j];
            for (int k = 0; k < j; ++k) c[7] += w[i] * u.beta[i][j] * u.beta[j][k] * u.beta_sum[k];
        }
    }
    const double rhs[8] = {1.0, 0.5 - g, 1.0 / 3.0, 1.0 / 6.0 - g + g * g, 0.25, 1.0 / 8.0 - g / 3.0,
                           1.0 / 12.0 - g / 3.0, 1.0 / 24.0 - g / 2.0 + 1.5 * g * g - g * g * g};
    std::vector<double> r(8);
    for (int k = 0; k < 8; ++k) r[k] = c[k] - rhs[k];
    return r;
}

// Number of conditions (in order) satisfied for orders 1..4: 1, 2, 4, 8.
int achieved_order(const std::vector<double>& r, double tol) {
    const int last[5] = {0, 1, 2, 4, 8};
    int p = 0;
    for (int q = 1; q <= 4; ++q) {
        bool ok = true;
        for (int k = 0; k < last[q]; ++k) ok = ok && std::abs(r[k]) < tol;
        if (!ok) break;
        p = q;
    }
    return p;
}

void check(const rosenbrock_tableau& t) {
    SCOPED_TRACE(std::string(t.name));
    const auto u = recover(t);
    // The stored abscissae and gamma_i sums agree with the recovered coefficients.
    for (int i = 0; i < t.stages; ++i) {
        EXPECT_NEAR(u.alpha_sum[i], t.alpha[i], 1e-13) << "alpha_" << i;
        EXPECT_NEAR(u.gamma_sum[i], t.gamma_sum[i], 1e-13) << "gamma_" << i;
    }
    const auto r = residuals(u, u.b);
    const auto rh = residuals(u, u.bhat);
    EXPECT_EQ(achieved_order(r, 1e-12), t.order);
    EXPECT_EQ(achieved_order(rh, 1e-12), t.embedded_order);
    for (double x: r) (void)x;
}

// The stability function R(z) = 1 + z w^T (I - z B)^-1 1 (B = alpha + Gamma, full lower) of the
// solution with weights w, at infinity: R(inf) = 1 - w^T B^-1 1.
double r_at_infinity(const untransformed& u, const std::vector<double>& w) {
    mat B(u.s, std::vector<double>(u.s, 0.0));
    for (int i = 0; i < u.s; ++i)
        for (int j = 0; j <= i; ++j) B[i][j] = u.alpha[i][j] + u.Gamma[i][j];
    const auto Binv = inverse_lower(B);
    double r = 1.0;
    for (int i = 0; i < u.s; ++i)
        for (int j = 0; j < u.s; ++j) r -= w[i] * Binv[i][j];
    return r;
}

}  // namespace

TEST(solver_tableau, ros2_order_conditions) { check(ros2_tableau); }
TEST(solver_tableau, ros3p_order_conditions) { check(ros3p_tableau); }
TEST(solver_tableau, rodas3_order_conditions) { check(rodas3_tableau); }
TEST(solver_tableau, rodas4_order_conditions) { check(rodas4_tableau); }

// The stability function of an L-stable method vanishes at infinity.
TEST(solver_tableau, l_stability_at_infinity) {
    for (const auto* t: {&ros2_tableau, &ros3p_tableau, &rodas3_tableau, &rodas4_tableau}) {
        SCOPED_TRACE(std::string(t->name));
        const auto u = recover(*t);
        const double r = r_at_infinity(u, u.b);
        if (t->name == std::string_view("ros3p")) {
            // ROS3P is A-stable but not L-stable: |R(inf)| = 0.73 (Lang & Verwer 2001). Its error
            // stage is (error_stage_is_an_l_stable_companion).
            EXPECT_NEAR(std::abs(r), 0.7320508075688772, 1e-10);
        }
        else {
            EXPECT_NEAR(r, 0.0, 1e-12);
        }
    }
}

// A tableau's error stage (rosenbrock_tableau::error_stage) as one more stage of an extended
// method: stage s+1 at y1 (a_{s+1,j} = m_j, abscissa 1), C row c_err, and the embedded solution
// y1 + u_{s+1} (weights m - e with e = (0, ..., 0, -1)). The extended main solution is the
// original one; the embedded one must be of the tableau's embedded order with gamma_{s+1} = 0 (no
// df/dt term in the stage) and L-stable, R_hat(inf) = 0.
TEST(solver_tableau, error_stage_is_an_l_stable_companion) {
    int checked = 0;
    for (const auto* t: {&ros2_tableau, &ros3p_tableau, &rodas3_tableau, &rodas4_tableau}) {
        if (!t->error_stage) continue;
        SCOPED_TRACE(std::string(t->name));
        ASSERT_LT(t->stages, rosenbrock_max_stages);
        rosenbrock_tableau x = *t;
        const int s = t->stages;
        x.stages = s + 1;
        x.alpha[s] = 1.0;
        x.gamma_sum[s] = 0.0;
        for (int j = 0; j < s; ++j) {
            x.a[s][j] = t->m[j];
            x.c[s][j] = t->c_err[j];
            x.e[j] = 0.0;
        }
        x.m[s] = 0.0;
        x.e[s] = -1.0;
        check(x);  // main order unchanged, embedded order 2, stored alpha/gamma sums consistent
        const auto u = recover(x);
        EXPECT_NEAR(r_at_infinity(u, u.bhat), 0.0, 1e-12);
        ++checked;
    }
    EXPECT_EQ(checked, 2);  // ros2, ros3p
}
