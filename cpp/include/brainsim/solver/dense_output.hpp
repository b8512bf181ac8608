#pragma once
// Dense output over one accepted step and a threshold-crossing locator working on it.
//
// Two interpolants: the cubic Hermite polynomial through (t0, y0, f0) and (t1, y1, f1) (HW I,
// Sect. II.6, eq. (6.7); third order, used for every method without its own extension), and the
// continuous extension of RODAS4 (y(s) = (1-s) y0 + s (y1 + (1-s)(cont2 + s cont3))).
// Crossings are found with the Illinois variant of regula falsi on the interpolant, to a bracket
// of a few ulps of the step fraction s, i.e. ~1e-15 relative to the step.

#include <brainsim/solver/problem.hpp>

#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

namespace brainsim::solver {

class dense_step {
public:
    enum class kind { hermite, rodas };

    void resize(std::size_t n) {
        y0_.assign(n, 0.0);
        y1_.assign(n, 0.0);
        p_.assign(n, 0.0);
        q_.assign(n, 0.0);
    }
    std::size_t size() const { return y0_.size(); }

    // Hermite data: p = f0, q = f1.
    std::span<double> y0() { return y0_; }
    std::span<double> y1() { return y1_; }
    std::span<double> p() { return p_; }
    std::span<double> q() { return q_; }
    std::span<const double> y0() const { return y0_; }
    std::span<const double> y1() const { return y1_; }

    void set(double t0, double t1, kind k) {
        t0_ = t0;
        t1_ = t1;
        kind_ = k;
    }
    double t0() const { return t0_; }
    double t1() const { return t1_; }

    double component(double t, std::size_t i) const {
        const double h = t1_ - t0_;
        if (!(h > 0.0)) return y1_[i];
        const double s = (t - t0_) / h;
        return at(s, h, i);
    }
    void eval(double t, std::span<double> out) const {
        const double h = t1_ - t0_;
        const double s = (h > 0.0) ? (t - t0_) / h : 1.0;
        for (std::size_t i = 0; i < y0_.size(); ++i) out[i] = at(s, h, i);
    }

    // Find crossings of the events within (t0, t1]; call found(event_index, t) for each, in
    // time order within the step. Returns the number found.
    template <class Found>
    std::size_t locate(std::span<const threshold_event> events, Found&& found) const {
        std::size_t count = 0;
        double tmp_t[16];
        std::size_t tmp_i[16];
        std::size_t k = 0;
        for (std::size_t e = 0; e < events.size(); ++e) {
            const auto& ev = events[e];
            const double g0 = y0_[ev.component] - ev.threshold;
            const double g1 = y1_[ev.component] - ev.threshold;
            const bool up = g0 < 0.0 && g1 >= 0.0;
            const bool down = g0 > 0.0 && g1 <= 0.0;
            if (!((ev.direction >= 0 && up) || (ev.direction <= 0 && down))) continue;
            const double t = root(ev.component, ev.threshold, g0, g1);
            if (k < 16) {
                tmp_t[k] = t;
                tmp_i[k] = e;
                ++k;
            }
            else {
                found(e, t);
                ++count;
            }
        }
        // Report in time order (insertion sort; few events per step).
        for (std::size_t a = 1; a < k; ++a) {
            for (std::size_t b = a; b > 0 && tmp_t[b] < tmp_t[b - 1]; --b) {
                std::swap(tmp_t[b], tmp_t[b - 1]);
                std::swap(tmp_i[b], tmp_i[b - 1]);
            }
        }
        for (std::size_t a = 0; a < k; ++a) found(tmp_i[a], tmp_t[a]);
        return count + k;
    }

private:
    double at(double s, double h, std::size_t i) const {
        const double y0 = y0_[i], y1 = y1_[i];
        if (kind_ == kind::rodas) return (1.0 - s) * y0 + s * (y1 + (1.0 - s) * (p_[i] + s * q_[i]));
        return (1.0 - s) * y0 + s * y1 +
               s * (s - 1.0) * ((1.0 - 2.0 * s) * (y1 - y0) + (s - 1.0) * h * p_[i] + s * h * q_[i]);
    }

    // Illinois regula falsi on g(s) = y_i(s) - thr, bracket [0, 1] with g(0) = g0, g(1) = g1.
    double root(std::size_t i, double thr, double g0, double g1) const {
        const double h = t1_ - t0_;
        if (g1 == 0.0) return t1_;
        double a = 0.0, b = 1.0, ga = g0, gb = g1;
        int side = 0;
        for (int it = 0; it < 200; ++it) {
            double s = (a * gb - b * ga) / (gb - ga);
            if (!(s > a && s < b)) s = 0.5 * (a + b);
            const double gs = at(s, h, i) - thr;
            if (gs == 0.0) return t0_ + s * h;
            if ((gs < 0.0) == (ga < 0.0)) {
                a = s;
                ga = gs;
                if (side == -1) gb *= 0.5;
                side = -1;
            }
            else {
                b = s;
                gb = gs;
                if (side == +1) ga *= 0.5;
                side = +1;
            }
            if (b - a <= 4e-16) break;
        }
        // The crossing lies in [a, b]; take the end where g changed sign last.
        return t0_ + (ga == 0.0 ? a : (std::abs(ga) < std::abs(gb) ? a : b)) * h;
    }

    double t0_ = 0.0, t1_ = 0.0;
    kind kind_ = kind::hermite;
    std::vector<double> y0_, y1_, p_, q_;
};

}  // namespace brainsim::solver
