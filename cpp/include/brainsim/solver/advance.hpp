#pragma once
// Per-neuron adaptive stepping inside a fixed communication interval.
//
// The network engine advances every neuron from t0 to t1 = t0 + communication step. A stiff neuron
// (an HH cell in a spike) takes many small Rosenbrock steps there, a quiet one a single step, and
// each keeps its own step size between intervals in a step_controller_state (a few doubles per
// neuron, plain data, checkpointable). Threshold crossings inside the interval are reported with
// their time located on the method's dense output (see dense_output.hpp).
//
// Usage (one stepper per neuron *type* and thread; it owns the work arrays, so the hot loop does
// not allocate):
//
//     brainsim::solver::adaptive_stepper<my_neuron> stepper(neuron, brainsim::solver::rodas4_tableau, opt);
//     for each neuron i owned by this thread:
//         neuron.bind(i);                          // the stepper holds a reference to `neuron`;
//                                                  // parameters/inputs may change between calls
//         stepper.advance(state_i, t0, t1, ctrl[i], events,
//                         [&](std::size_t event, double t_cross) { emit_spike(i, t_cross); });
//
// `state_i` is the neuron's state (std::span<double>, length neuron.n()), updated in place to t1.
// Breakpoints of the problem inside (t0, t1) are honoured (no step straddles them). Nothing is
// cached across calls, so the engine may apply synaptic jumps to the state between intervals.
// Errors: numerical_error (step size underflow / non-finite state, with t and h in the message).

#include <brainsim/solver/problem.hpp>
#include <brainsim/solver/rosenbrock.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <utility>

namespace brainsim::solver {

template <ode_problem P>
class adaptive_stepper {
public:
    adaptive_stepper(const P& p, const rosenbrock_tableau& tab, rosenbrock_options opt = {}):
        p_(p), ros_(p, tab, std::move(opt)) {}

    // Integrate y from t0 to t1 (t1 > t0). on_crossing(event_index, t) is called for each
    // threshold crossing in (t0, t1], in time order. Returns the number of crossings.
    template <class OnCrossing>
    std::size_t advance(std::span<double> y, double t0, double t1, step_controller_state& cs,
                        std::span<const threshold_event> events, OnCrossing&& on_crossing) {
        std::size_t found = 0;
        auto on_step = [&](const dense_step& d) {
            if (!events.empty()) found += d.locate(events, on_crossing);
        };
        const bool want_dense = !events.empty();
        double t = t0;
        if constexpr (has_breakpoints<P>) {
            // Breakpoints are sorted: visit only those in [t0, t1). f jumps at each, so the first
            // step after one is capped (note_discontinuity).
            const auto bps = p_.breakpoints();
            auto it = std::lower_bound(bps.begin(), bps.end(), t0);
            bool at_jump = it != bps.end() && *it == t0;
            for (; it != bps.end() && *it < t1; ++it) {
                const double b = *it;
                if (!(b > t)) continue;
                if (at_jump) ros_.note_discontinuity(cs);
                ros_.integrate(t, b, y, cs, on_step, want_dense,
                               std::nextafter(b, -std::numeric_limits<double>::infinity()));
                t = b;
                at_jump = true;
            }
            if (at_jump) ros_.note_discontinuity(cs);
        }
        ros_.integrate(t, t1, y, cs, on_step, want_dense, next_cap(t, t1));
        return found;
    }

    // Without events.
    void advance(std::span<double> y, double t0, double t1, step_controller_state& cs) {
        advance(y, t0, t1, cs, {}, [](std::size_t, double) {});
    }

    const work_stats& stats() const { return ros_.stats(); }
    work_stats& stats() { return ros_.stats(); }

private:
    // If a breakpoint coincides with t1, stages at t1 must see the left limit.
    double next_cap(double t, double t1) const {
        if constexpr (has_breakpoints<P>) {
            const auto bps = p_.breakpoints();
            const auto it = std::upper_bound(bps.begin(), bps.end(), t);
            if (it != bps.end() && *it <= t1) return std::nextafter(*it, -std::numeric_limits<double>::infinity());
        }
        return std::numeric_limits<double>::infinity();
    }

    const P& p_;
    rosenbrock<P> ros_;
};

// Convenience form (allocates a stepper per call; use adaptive_stepper in hot loops).
template <ode_problem P, class OnCrossing>
std::size_t advance(const P& problem, std::span<double> state, double t0, double t1,
                    step_controller_state& controller_state, std::span<const threshold_event> events,
                    OnCrossing&& on_crossing, const rosenbrock_tableau& tab = rodas4_tableau,
                    rosenbrock_options opt = {}) {
    adaptive_stepper<P> s(problem, tab, std::move(opt));
    return s.advance(state, t0, t1, controller_state, events, std::forward<OnCrossing>(on_crossing));
}

}  // namespace brainsim::solver
