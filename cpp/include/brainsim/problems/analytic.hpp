#pragma once
// Problems with closed-form solutions, for convergence-order tests. Each has exact(t, y).

#include <cmath>
#include <span>
#include <vector>

namespace brainsim::problems {

// Damped rotation y' = A y, A = [[-d, w], [-w, -d]], y(0) = (1, 0):
// y(t) = e^{-d t} (cos w t, -sin w t).
struct linear_rotation {
    double decay = 1.0, omega = 10.0;
    static constexpr bool autonomous = true;
    std::size_t n() const { return 2; }
    static std::vector<double> y0() { return {1.0, 0.0}; }
    static double default_t_end() { return 1.0; }
    void rhs(double, std::span<const double> y, std::span<double> f) const {
        f[0] = -decay * y[0] + omega * y[1];
        f[1] = -omega * y[0] - decay * y[1];
    }
    void jacobian(double, std::span<const double>, std::span<double> J) const {
        J[0] = -decay; J[1] = omega; J[2] = -omega; J[3] = -decay;
    }
    void linear_split(double, std::span<const double> y, std::span<double> a, std::span<double> b) const {
        a[0] = -decay; b[0] = omega * y[1];
        a[1] = -decay; b[1] = -omega * y[0];
    }
    void exact(double t, std::span<double> y) const {
        const double e = std::exp(-decay * t);
        y[0] = e * std::cos(omega * t);
        y[1] = -e * std::sin(omega * t);
    }
};

// Prothero-Robinson: y' = lambda (y - sin t) + cos t, y(0) = 0, exact y = sin t. Non-autonomous,
// stiff for lambda << -1 (where Rosenbrock methods may show order reduction).
struct prothero_robinson {
    double lambda = -10.0;
    std::size_t n() const { return 1; }
    static std::vector<double> y0() { return {0.0}; }
    static double default_t_end() { return 1.0; }
    void rhs(double t, std::span<const double> y, std::span<double> f) const {
        f[0] = lambda * (y[0] - std::sin(t)) + std::cos(t);
    }
    void jacobian(double, std::span<const double>, std::span<double> J) const { J[0] = lambda; }
    void time_derivative(double t, std::span<const double>, std::span<double> ft) const {
        ft[0] = -lambda * std::cos(t) - std::sin(t);
    }
    void linear_split(double t, std::span<const double>, std::span<double> a, std::span<double> b) const {
        a[0] = lambda;
        b[0] = -lambda * std::sin(t) + std::cos(t);
    }
    void exact(double t, std::span<double> y) const { y[0] = std::sin(t); }
};

// Nonlinear coupled decay: y1' = -y2 y1, y2' = -k y2, y(0) = (1, 1):
// y2 = e^{-k t}, y1 = exp((e^{-k t} - 1)/k). Linear-diagonal split a = (-y2, -k), b = 0.
struct coupled_decay {
    double k = 1.0;
    static constexpr bool autonomous = true;
    std::size_t n() const { return 2; }
    static std::vector<double> y0() { return {1.0, 1.0}; }
    static double default_t_end() { return 2.0; }
    void rhs(double, std::span<const double> y, std::span<double> f) const {
        f[0] = -y[1] * y[0];
        f[1] = -k * y[1];
    }
    void jacobian(double, std::span<const double> y, std::span<double> J) const {
        J[0] = -y[1]; J[1] = -y[0]; J[2] = 0.0; J[3] = -k;
    }
    void linear_split(double, std::span<const double> y, std::span<double> a, std::span<double> b) const {
        a[0] = -y[1]; b[0] = 0.0;
        a[1] = -k; b[1] = 0.0;
    }
    void exact(double t, std::span<double> y) const {
        const double e = std::exp(-k * t);
        y[1] = e;
        y[0] = std::exp((e - 1.0) / k);
    }
};

// Scalar y' = -exp(y), y(0) = 0: y = -log(1 + t). Every derivative of f is non-zero, so all
// elementary differentials (and order conditions) are exercised.
struct log_decay {
    static constexpr bool autonomous = true;
    std::size_t n() const { return 1; }
    static std::vector<double> y0() { return {0.0}; }
    static double default_t_end() { return 1.0; }
    void rhs(double, std::span<const double> y, std::span<double> f) const { f[0] = -std::exp(y[0]); }
    void jacobian(double, std::span<const double> y, std::span<double> J) const { J[0] = -std::exp(y[0]); }
    void exact(double t, std::span<double> y) const { y[0] = -std::log1p(t); }
};

}  // namespace brainsim::problems
