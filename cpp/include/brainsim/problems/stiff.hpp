#pragma once
// The classic stiff test problems, written exactly as in the reference data under
// tests/data/stiff (which cites the Test Set for IVP Solvers, Bari, and Hairer & Wanner's
// stiff test set), with analytic Jacobians. Each problem has a default initial value y0() and
// end time default_t_end() taken from the same sources.

#include <span>
#include <vector>

namespace brainsim::problems {

// ROBER (Robertson 1966): y1' = -k1 y1 + k2 y2 y3, y2' = k1 y1 - k2 y2 y3 - k3 y2^2, y3' = k3 y2^2.
struct rober {
    double k1 = 0.04, k2 = 1.0e4, k3 = 3.0e7;
    static constexpr bool autonomous = true;
    std::size_t n() const { return 3; }
    static std::vector<double> y0() { return {1.0, 0.0, 0.0}; }
    static double default_t_end() { return 1.0e11; }
    void rhs(double, std::span<const double> y, std::span<double> f) const {
        f[0] = -k1 * y[0] + k2 * y[1] * y[2];
        f[2] = k3 * y[1] * y[1];
        f[1] = k1 * y[0] - k2 * y[1] * y[2] - f[2];
    }
    void jacobian(double, std::span<const double> y, std::span<double> J) const {
        J[0] = -k1; J[1] = k2 * y[2]; J[2] = k2 * y[1];
        J[3] = k1; J[4] = -k2 * y[2] - 2.0 * k3 * y[1]; J[5] = -k2 * y[1];
        J[6] = 0.0; J[7] = 2.0 * k3 * y[1]; J[8] = 0.0;
    }
};

// HIRES (Schaefer 1975), 8 components.
struct hires {
    static constexpr bool autonomous = true;
    std::size_t n() const { return 8; }
    static std::vector<double> y0() { return {1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0057}; }
    static double default_t_end() { return 321.8122; }
    void rhs(double, std::span<const double> y, std::span<double> f) const {
        const double f7 = 280.0 * y[5] * y[7] - 1.81 * y[6];
        f[0] = -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007;
        f[1] = 1.71 * y[0] - 8.75 * y[1];
        f[2] = -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4];
        f[3] = 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3];
        f[4] = -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6];
        f[5] = -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6];
        f[6] = f7;
        f[7] = -f7;
    }
    void jacobian(double, std::span<const double> y, std::span<double> J) const {
        for (auto& v: J) v = 0.0;
        auto at = [&J](int i, int j) -> double& { return J[std::size_t(i * 8 + j)]; };
        at(0, 0) = -1.71; at(0, 1) = 0.43; at(0, 2) = 8.32;
        at(1, 0) = 1.71; at(1, 1) = -8.75;
        at(2, 2) = -10.03; at(2, 3) = 0.43; at(2, 4) = 0.035;
        at(3, 1) = 8.32; at(3, 2) = 1.71; at(3, 3) = -1.12;
        at(4, 4) = -1.745; at(4, 5) = 0.43; at(4, 6) = 0.43;
        at(5, 3) = 0.69; at(5, 4) = 1.71; at(5, 5) = -280.0 * y[7] - 0.43; at(5, 6) = 0.69; at(5, 7) = -280.0 * y[5];
        at(6, 5) = 280.0 * y[7]; at(6, 6) = -1.81; at(6, 7) = 280.0 * y[5];
        at(7, 5) = -280.0 * y[7]; at(7, 6) = 1.81; at(7, 7) = -280.0 * y[5];
    }
};

// VDPOL, unscaled form with mu = 1000 (the Test Set's VDPOLM / "van der Pol mu=1000"):
// y1' = y2, y2' = mu (1 - y1^2) y2 - y1, y(0) = (2, 0), t_end = 2000.
struct vdpol {
    double mu = 1.0e3;
    static constexpr bool autonomous = true;
    std::size_t n() const { return 2; }
    static std::vector<double> y0() { return {2.0, 0.0}; }
    static double default_t_end() { return 2000.0; }
    void rhs(double, std::span<const double> y, std::span<double> f) const {
        f[0] = y[1];
        f[1] = mu * (1.0 - y[0] * y[0]) * y[1] - y[0];
    }
    void jacobian(double, std::span<const double> y, std::span<double> J) const {
        J[0] = 0.0; J[1] = 1.0;
        J[2] = -2.0 * mu * y[0] * y[1] - 1.0; J[3] = mu * (1.0 - y[0] * y[0]);
    }
};

// VDPOL, Hairer-Wanner scaled form: y1' = y2, y2' = ((1 - y1^2) y2 - y1)/eps, eps = 1e-6, t_end = 2.
struct vdpol_scaled {
    double eps = 1.0e-6;
    static constexpr bool autonomous = true;
    std::size_t n() const { return 2; }
    static std::vector<double> y0() { return {2.0, 0.0}; }
    static double default_t_end() { return 2.0; }
    void rhs(double, std::span<const double> y, std::span<double> f) const {
        f[0] = y[1];
        f[1] = ((1.0 - y[0] * y[0]) * y[1] - y[0]) / eps;
    }
    void jacobian(double, std::span<const double> y, std::span<double> J) const {
        J[0] = 0.0; J[1] = 1.0;
        J[2] = (-2.0 * y[0] * y[1] - 1.0) / eps; J[3] = (1.0 - y[0] * y[0]) / eps;
    }
};

// OREGO (Field-Noyes Oregonator).
struct orego {
    double s = 77.27, q = 8.375e-6, w = 0.161;
    static constexpr bool autonomous = true;
    std::size_t n() const { return 3; }
    static std::vector<double> y0() { return {1.0, 2.0, 3.0}; }
    static double default_t_end() { return 360.0; }
    void rhs(double, std::span<const double> y, std::span<double> f) const {
        f[0] = s * (y[1] + y[0] * (1.0 - q * y[0] - y[1]));
        f[1] = (y[2] - (1.0 + y[0]) * y[1]) / s;
        f[2] = w * (y[0] - y[2]);
    }
    void jacobian(double, std::span<const double> y, std::span<double> J) const {
        J[0] = s * (1.0 - 2.0 * q * y[0] - y[1]); J[1] = s * (1.0 - y[0]); J[2] = 0.0;
        J[3] = -y[1] / s; J[4] = -(1.0 + y[0]) / s; J[5] = 1.0 / s;
        J[6] = w; J[7] = 0.0; J[8] = -w;
    }
};

// E5 (stiff DETEST, Enright-Hull-Lindberg 1975).
struct e5 {
    double A = 7.89e-10, B = 1.1e7, CM = 1.13e9, C = 1.13e3;
    static constexpr bool autonomous = true;
    std::size_t n() const { return 4; }
    static std::vector<double> y0() { return {1.76e-3, 0.0, 0.0, 0.0}; }
    static double default_t_end() { return 1.0e13; }
    // Mass balance y2 - y3 - y4 = const (f3 = f2 - f4): kept by the Rosenbrock solver's projection.
    static constexpr double invariant_[4] = {0.0, 1.0, -1.0, -1.0};
    std::span<const double> linear_invariant() const { return invariant_; }
    void rhs(double, std::span<const double> y, std::span<double> f) const {
        const double p1 = A * y[0], p2 = B * y[0] * y[2], p3 = CM * y[1] * y[2], p4 = C * y[3];
        f[0] = -p1 - p2;
        f[1] = p1 - p3;
        f[3] = p2 - p4;
        f[2] = f[1] - f[3];
    }
    void jacobian(double, std::span<const double> y, std::span<double> J) const {
        J[0] = -A - B * y[2]; J[1] = 0.0; J[2] = -B * y[0]; J[3] = 0.0;
        J[4] = A; J[5] = -CM * y[2]; J[6] = -CM * y[1]; J[7] = 0.0;
        J[8] = A - B * y[2]; J[9] = -CM * y[2]; J[10] = -B * y[0] - CM * y[1]; J[11] = C;
        J[12] = B * y[2]; J[13] = 0.0; J[14] = B * y[0]; J[15] = -C;
    }
};

}  // namespace brainsim::problems
