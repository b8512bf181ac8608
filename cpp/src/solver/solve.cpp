// Runtime entry point: solve a built-in problem by name with a method by name.
#include <brainsim/solver/solve.hpp>

#include <brainsim/errors.hpp>
#include <brainsim/problems/analytic.hpp>
#include <brainsim/problems/hh.hpp>
#include <brainsim/problems/stiff.hpp>
#include <brainsim/solver/dense_output.hpp>
#include <brainsim/solver/fixed_step.hpp>
#include <brainsim/solver/jacobian.hpp>
#include <brainsim/solver/rosenbrock.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace brainsim::solver {
namespace {

enum class check { finite, positive, nonnegative };

template <class P>
struct param_def {
    const char* name;
    double P::*member;
    const char* unit;
    const char* doc;
    check chk;
};

struct meta {
    const char* description;
    std::vector<std::string> components;
};

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
}

template <class P>
std::vector<parameter_info> apply_params(P& p, const std::vector<param_def<P>>& defs,
                                         const std::map<std::string, double>& params, const std::string& problem) {
    for (const auto& [key, value]: params) {
        auto it = std::find_if(defs.begin(), defs.end(), [&](const auto& d) { return key == d.name; });
        if (it == defs.end()) {
            std::vector<std::string> names;
            for (const auto& d: defs) names.push_back(d.name);
            throw config_error("params", "'" + key + "'",
                               names.empty() ? std::string("no parameters") : "one of: " + join(names),
                               "unknown parameter of problem '" + problem + "'");
        }
        const std::string pname = problem + "." + key;
        switch (it->chk) {
        case check::finite: require_finite(pname, value); break;
        case check::positive: require_positive(pname, value); break;
        case check::nonnegative: require_nonnegative(pname, value); break;
        }
        p.*(it->member) = value;
    }
    std::vector<parameter_info> out;
    for (const auto& d: defs) out.push_back({d.name, p.*(d.member), d.unit, d.doc});
    return out;
}

const std::vector<std::string>& all_problems() {
    static const std::vector<std::string> v{"rober", "hires", "vdpol", "vdpol_scaled", "orego", "e5", "hh",
                                            "hh_synapses", "linear_rotation", "prothero_robinson", "coupled_decay", "log_decay"};
    return v;
}
const std::vector<std::string>& all_methods() {
    static const std::vector<std::string> v{"euler", "rk4", "exp_euler", "ros2", "ros3p", "rodas3", "rodas4"};
    return v;
}

// Construct problem `name` with `params` and call f(problem, meta, parameter_info list).
template <class F>
auto with_problem(const std::string& name, const std::map<std::string, double>& params, F&& f) {
    using namespace brainsim::problems;
    if (name == "rober") {
        rober p;
        auto pi = apply_params<rober>(p, {{"k1", &rober::k1, "1", "rate constant", check::finite},
                                          {"k2", &rober::k2, "1", "rate constant", check::finite},
                                          {"k3", &rober::k3, "1", "rate constant", check::finite}},
                                      params, name);
        return f(p, meta{"Robertson chemical kinetics (ROBER), Test Set for IVP Solvers", {"y1", "y2", "y3"}}, pi);
    }
    if (name == "hires") {
        hires p;
        auto pi = apply_params<hires>(p, {}, params, name);
        return f(p, meta{"High Irradiance RESponse (HIRES), Test Set for IVP Solvers",
                         {"y1", "y2", "y3", "y4", "y5", "y6", "y7", "y8"}}, pi);
    }
    if (name == "vdpol") {
        vdpol p;
        auto pi = apply_params<vdpol>(p, {{"mu", &vdpol::mu, "1", "stiffness parameter", check::positive}}, params, name);
        return f(p, meta{"van der Pol, unscaled: y1' = y2, y2' = mu (1 - y1^2) y2 - y1 (mu = 1000)", {"y1", "y2"}}, pi);
    }
    if (name == "vdpol_scaled") {
        vdpol_scaled p;
        auto pi = apply_params<vdpol_scaled>(
            p, {{"eps", &vdpol_scaled::eps, "1", "1/mu^2", check::positive}}, params, name);
        return f(p, meta{"van der Pol, Hairer-Wanner scaled: y2' = ((1 - y1^2) y2 - y1)/eps (eps = 1e-6)", {"y1", "y2"}}, pi);
    }
    if (name == "orego") {
        orego p;
        auto pi = apply_params<orego>(p, {{"s", &orego::s, "1", "", check::positive},
                                          {"q", &orego::q, "1", "", check::finite},
                                          {"w", &orego::w, "1", "", check::finite}},
                                      params, name);
        return f(p, meta{"Oregonator (OREGO), Test Set for IVP Solvers", {"y1", "y2", "y3"}}, pi);
    }
    if (name == "e5") {
        e5 p;
        auto pi = apply_params<e5>(p, {{"A", &e5::A, "1", "", check::finite},
                                       {"B", &e5::B, "1", "", check::finite},
                                       {"CM", &e5::CM, "1", "M*C", check::finite},
                                       {"C", &e5::C, "1", "", check::finite}},
                                   params, name);
        return f(p, meta{"E5 chemical pyrolysis (stiff DETEST), Test Set for IVP Solvers", {"y1", "y2", "y3", "y4"}}, pi);
    }
    if (name == "hh") {
        hh p;
        auto pi = apply_params<hh>(
            p,
            {{"C_m", &hh::C_m, "pF", "membrane capacitance", check::positive},
             {"g_Na", &hh::g_Na, "nS", "peak sodium conductance", check::nonnegative},
             {"g_K", &hh::g_K, "nS", "peak potassium conductance", check::nonnegative},
             {"g_L", &hh::g_L, "nS", "leak conductance", check::nonnegative},
             {"E_Na", &hh::E_Na, "mV", "sodium reversal potential", check::finite},
             {"E_K", &hh::E_K, "mV", "potassium reversal potential", check::finite},
             {"E_L", &hh::E_L, "mV", "leak reversal potential", check::finite},
             {"celsius", &hh::celsius, "degC", "temperature (rates scale by 3^((celsius-6.3)/10))", check::finite},
             {"amplitude", &hh::amplitude, "pA", "step current amplitude (10 uA/cm2 = 1000 pA)", check::finite},
             {"t_on", &hh::t_on, "ms", "step current onset", check::finite},
             {"t_off", &hh::t_off, "ms", "step current offset", check::finite},
             {"V_init", &hh::V_init, "mV", "initial V (gates at steady state there)", check::finite},
             {"pulse_period", &hh::pulse_period, "ms",
              "0: one step current on [t_on, t_off); > 0: pulses of pulse_width every pulse_period there",
              check::nonnegative},
             {"pulse_width", &hh::pulse_width, "ms", "length of each current pulse (pulse_period > 0)",
              check::nonnegative}},
            params, name);
        if (!(p.t_off >= p.t_on)) {
            throw config_error("hh.t_off", detail::repr(p.t_off), ">= t_on = " + detail::repr(p.t_on));
        }
        if (p.pulse_period > 0.0) {
            if (!(p.pulse_width > 0.0 && p.pulse_width < p.pulse_period)) {
                throw config_error("hh.pulse_width", detail::repr(p.pulse_width),
                                   "in (0, pulse_period = " + detail::repr(p.pulse_period) + ")");
            }
            if (!((p.t_off - p.t_on) / p.pulse_period <= 1e6)) {
                throw config_error("hh.pulse_period", detail::repr(p.pulse_period),
                                   ">= (t_off - t_on) / 1e6 (at most a million pulses)");
            }
        }
        p.update();
        return f(p, meta{"Hodgkin-Huxley squid axon (NEURON hh.mod rates), 100 pF membrane, step current",
                         {"V", "m", "h", "n"}}, pi);
    }
    if (name == "hh_synapses") {
        hh_synapses p;
        auto pi = apply_params<hh_synapses>(
            p,
            {{"celsius", &hh_synapses::celsius, "degC", "temperature of the HH gates (q10 = 3)", check::finite},
             {"g_fast", &hh_synapses::g_fast, "nS", "peak conductance of the fast synapse", check::nonnegative},
             {"tau_fast", &hh_synapses::tau_fast, "ms", "decay time constant of the fast synapse", check::positive},
             {"alpha_fast", &hh_synapses::alpha_fast, "1/(mM ms)", "binding rate of the fast synapse", check::nonnegative},
             {"E_fast", &hh_synapses::E_fast, "mV", "reversal potential of the fast synapse", check::finite},
             {"g_nmda", &hh_synapses::g_nmda, "nS", "peak NMDA conductance", check::nonnegative},
             {"tau_nmda", &hh_synapses::tau_nmda, "ms", "NMDA decay time constant", check::positive},
             {"alpha_nmda", &hh_synapses::alpha_nmda, "1/(mM ms)", "NMDA binding rate", check::nonnegative},
             {"E_nmda", &hh_synapses::E_nmda, "mV", "NMDA reversal potential", check::finite},
             {"mg", &hh_synapses::mg, "mM", "extracellular Mg2+ (Jahr-Stevens block)", check::nonnegative},
             {"transmitter", &hh_synapses::transmitter, "mM", "transmitter concentration during a release", check::nonnegative},
             {"release_period", &hh_synapses::release_period, "ms", "interval between releases", check::positive},
             {"release_width", &hh_synapses::release_width, "ms", "duration of each release", check::positive},
             {"t_on", &hh_synapses::t_on, "ms", "first release", check::finite},
             {"t_off", &hh_synapses::t_off, "ms", "no release starts at or after t_off", check::finite}},
            params, name);
        if (!(p.release_width < p.release_period)) {
            throw config_error("hh_synapses.release_width", detail::repr(p.release_width),
                               "< release_period = " + detail::repr(p.release_period));
        }
        if (!((p.t_off - p.t_on) / p.release_period <= 1e6)) {
            throw config_error("hh_synapses.release_period", detail::repr(p.release_period),
                               ">= (t_off - t_on) / 1e6 (at most a million releases)");
        }
        p.update();
        return f(p, meta{"HH neuron (hh.mod rates) with a fast (tau 0.1 ms) and an NMDA (tau 100 ms) kinetic synapse "
                         "driven by periodic transmitter pulses",
                         {"V", "m", "h", "n", "s_fast", "s_nmda"}}, pi);
    }
    if (name == "linear_rotation") {
        linear_rotation p;
        auto pi = apply_params<linear_rotation>(
            p, {{"decay", &linear_rotation::decay, "1", "", check::finite},
                {"omega", &linear_rotation::omega, "1", "", check::finite}}, params, name);
        return f(p, meta{"damped rotation y' = [[-d, w], [-w, -d]] y (exact solution known)", {"y1", "y2"}}, pi);
    }
    if (name == "prothero_robinson") {
        prothero_robinson p;
        auto pi = apply_params<prothero_robinson>(
            p, {{"lambda", &prothero_robinson::lambda, "1", "stiffness (negative)", check::finite}}, params, name);
        return f(p, meta{"Prothero-Robinson y' = lambda (y - sin t) + cos t, exact y = sin t", {"y"}}, pi);
    }
    if (name == "coupled_decay") {
        coupled_decay p;
        auto pi = apply_params<coupled_decay>(p, {{"k", &coupled_decay::k, "1", "", check::positive}}, params, name);
        return f(p, meta{"y1' = -y2 y1, y2' = -k y2 (exact solution known)", {"y1", "y2"}}, pi);
    }
    if (name == "log_decay") {
        log_decay p;
        auto pi = apply_params<log_decay>(p, {}, params, name);
        return f(p, meta{"y' = -exp(y), exact y = -log(1 + t)", {"y"}}, pi);
    }
    throw unknown_model_error(name, join(all_problems()));
}

template <class P>
std::vector<double> default_y0(const P& p) {
    return p.y0();
}

template <class P>
std::vector<double> breakpoints_of(const P& p) {
    if constexpr (has_breakpoints<P>) {
        auto b = p.breakpoints();
        return {b.begin(), b.end()};
    }
    else {
        return {};
    }
}

// Records outputs and events after each step.
struct recorder {
    const solve_options& opt;
    solve_result& res;
    std::size_t n;
    std::size_t next_eval = 0;
    std::vector<double> tmp;

    void initial(double t0, std::span<const double> y) {
        if (!opt.record) return;
        if (opt.t_eval.empty()) {
            push(t0, y);
        }
        else {
            while (next_eval < opt.t_eval.size() && opt.t_eval[next_eval] <= t0) {
                push(opt.t_eval[next_eval], y);
                ++next_eval;
            }
        }
    }
    void step(const dense_step& d) {
        if (!opt.events.empty()) {
            d.locate(opt.events, [this](std::size_t e, double t) { res.event_times[e].push_back(t); });
        }
        if (!opt.record) return;
        if (opt.t_eval.empty()) {
            push(d.t1(), d.y1());
            return;
        }
        tmp.resize(n);
        while (next_eval < opt.t_eval.size() && opt.t_eval[next_eval] <= d.t1()) {
            const double te = opt.t_eval[next_eval];
            if (te == d.t1()) push(te, d.y1());
            else {
                d.eval(te, tmp);
                push(te, tmp);
            }
            ++next_eval;
        }
    }
    void push(double t, std::span<const double> y) {
        res.t.push_back(t);
        res.y.insert(res.y.end(), y.begin(), y.end());
    }
};

// Segments [a, b) between breakpoints inside (t0, t_end).
std::vector<double> segment_ends(const std::vector<double>& bps, double t0, double t_end) {
    std::vector<double> ends;
    for (double b: bps) {
        if (b > t0 && b < t_end) ends.push_back(b);
    }
    std::sort(ends.begin(), ends.end());
    ends.push_back(t_end);
    return ends;
}

double cap_for(double b, const std::vector<double>& bps) {
    for (double x: bps) {
        if (x == b) return std::nextafter(b, -std::numeric_limits<double>::infinity());
    }
    return std::numeric_limits<double>::infinity();
}

const rosenbrock_tableau* tableau_for(const std::string& m) {
    if (m == "ros2") return &ros2_tableau;
    if (m == "ros3p") return &ros3p_tableau;
    if (m == "rodas3") return &rodas3_tableau;
    if (m == "rodas4") return &rodas4_tableau;
    return nullptr;
}

template <class P>
void run(const P& p, const solve_options& opt, double t_end, std::vector<double> y, const std::vector<double>& bps,
         solve_result& res) {
    const std::size_t n = p.n();
    recorder rec{opt, res, n, 0, {}};
    const bool want_dense = !opt.t_eval.empty() || !opt.events.empty();
    const auto ends = segment_ends(bps, opt.t0, t_end);
    rec.initial(opt.t0, y);
    double t = opt.t0;
    if (const rosenbrock_tableau* tab = tableau_for(opt.method)) {
        rosenbrock_options ro;
        ro.tol.rtol = opt.rtol;
        ro.tol.atol = opt.atol;
        ro.max_steps = opt.max_steps;
        ro.h_max = opt.h_max;
        ro.safety = opt.safety;
        ro.fac_min = opt.fac_min;
        ro.fac_max = opt.fac_max;
        ro.predictive = opt.controller == "gustafsson";
        if (opt.fixed_step) ro.fixed_h = opt.h;
        rosenbrock<P> ros(p, *tab, ro);
        step_controller_state cs;
        if (!opt.fixed_step && opt.h > 0.0) cs.h = opt.h;
        auto on_step = [&rec](const dense_step& d) { rec.step(d); };
        for (double b: ends) {
            if (opt.restart_at_breakpoints && t > opt.t0) ros.note_discontinuity(cs);
            ros.integrate(t, b, y, cs, on_step, want_dense, cap_for(b, bps));
            t = b;
        }
        res.stats = ros.stats();
    }
    else {
        fixed_method fm = opt.method == "euler" ? fixed_method::euler
                          : opt.method == "rk4" ? fixed_method::rk4
                                                : fixed_method::exp_euler;
        fixed_stepper<P> st(p, fm);
        const double h = opt.h;
        std::size_t total = 0;
        for (double b: ends) {
            st.set_time_cap(cap_for(b, bps));
            st.invalidate();
            const double a = t;
            // Steps of exactly h from the segment start; a last shorter step lands on b.
            const auto nfull = static_cast<std::size_t>(std::floor((b - a) / h * (1.0 + 1e-12)));
            for (std::size_t k = 0; k <= nfull; ++k) {
                const double ts = a + double(k) * h;
                double te = (k < nfull) ? a + double(k + 1) * h : b;
                if (k == nfull && !(te > ts + 1e-12 * h)) break;
                if (k + 1 == nfull && std::abs(b - te) <= 1e-12 * h) te = b;
                if (++total > opt.max_steps) {
                    throw numerical_error("fixed-step " + opt.method + ": more than max_steps = " +
                                          std::to_string(opt.max_steps) + " steps");
                }
                st.step(ts, te - ts, y, want_dense || (opt.record && opt.t_eval.empty()));
                if (want_dense || (opt.record && opt.t_eval.empty())) rec.step(st.dense());
                if (te == b) break;
            }
            t = b;
        }
        res.stats = st.stats();
    }
    res.t_end = t_end;
    res.y_end = y;
}

}  // namespace

std::vector<std::string> problem_names() { return all_problems(); }
std::vector<std::string> method_names() { return all_methods(); }

problem_info describe_problem(const std::string& name, const std::map<std::string, double>& params) {
    return with_problem(name, params, [&](const auto& p, const meta& m, const std::vector<parameter_info>& pi) {
        problem_info info;
        info.name = name;
        info.description = m.description;
        info.n = p.n();
        info.components = m.components;
        info.y0 = default_y0(p);
        info.t_end = p.default_t_end();
        info.params = pi;
        info.breakpoints = breakpoints_of(p);
        return info;
    });
}

solve_result solve(const std::string& problem, const solve_options& opt) {
    const auto& methods = all_methods();
    // The problem name is checked first (unknown_model_error), then the method.
    return with_problem(problem, opt.params, [&](const auto& p, const meta& m, const std::vector<parameter_info>&) {
        using P = std::decay_t<decltype(p)>;
        if (std::find(methods.begin(), methods.end(), opt.method) == methods.end()) {
            throw config_error("method", "'" + opt.method + "'", "one of: " + join(methods));
        }
        const std::size_t n = p.n();
        solve_result res;
        res.problem = problem;
        res.method = opt.method;
        res.n = n;
        res.components = m.components;
        res.event_times.resize(opt.events.size());
        require_finite("t0", opt.t0);
        const double t_end = std::isnan(opt.t_end) ? p.default_t_end() : opt.t_end;
        if (!(t_end > opt.t0) || !std::isfinite(t_end)) {
            throw config_error("t_end", detail::repr(t_end), "> t0 = " + detail::repr(opt.t0) + " and finite");
        }
        std::vector<double> y = opt.y0.empty() ? default_y0(p) : opt.y0;
        if (y.size() != n) {
            throw config_error("y0", "a vector of length " + std::to_string(y.size()),
                               "a vector of length " + std::to_string(n) + " (" + join(m.components) + ")");
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (!std::isfinite(y[i])) {
                throw config_error("y0[" + std::to_string(i) + "]", detail::repr(y[i]), "a finite number");
            }
        }
        const bool is_fixed = opt.method == "euler" || opt.method == "rk4" || opt.method == "exp_euler";
        if (is_fixed || opt.fixed_step) {
            if (!(opt.h > 0.0) || !std::isfinite(opt.h)) {
                throw config_error("h", detail::repr(opt.h),
                                   "> 0 and finite (the step size is required for fixed-step " + opt.method + ")");
            }
        }
        else {
            tolerances tol{opt.rtol, opt.atol};
            tol.validate(n);
            if (!(opt.h >= 0.0) || !std::isfinite(opt.h)) {
                throw config_error("h", detail::repr(opt.h), ">= 0 and finite (initial step; 0 = automatic)");
            }
        }
        if (!(opt.h_max > 0.0)) throw config_error("h_max", detail::repr(opt.h_max), "> 0");
        if (opt.method == "exp_euler" && !has_linear_split<P>) {
            throw config_error("method", "'exp_euler'",
                               "a method other than exp_euler for problem '" + problem +
                                   "' (it has no linear-diagonal split)");
        }
        for (std::size_t k = 0; k < opt.t_eval.size(); ++k) {
            const double te = opt.t_eval[k];
            if (!(te >= opt.t0 && te <= t_end) || (k > 0 && !(te >= opt.t_eval[k - 1]))) {
                throw config_error("t_eval[" + std::to_string(k) + "]", detail::repr(te),
                                   "non-decreasing values in [t0, t_end] = [" + detail::repr(opt.t0) + ", " +
                                       detail::repr(t_end) + "]");
            }
        }
        for (std::size_t k = 0; k < opt.events.size(); ++k) {
            const auto& e = opt.events[k];
            if (e.component >= n) {
                throw config_error("events[" + std::to_string(k) + "].component", std::to_string(e.component),
                                   "an index < " + std::to_string(n));
            }
            require_finite("events[" + std::to_string(k) + "].threshold", e.threshold);
            if (e.direction < -1 || e.direction > 1) {
                throw config_error("events[" + std::to_string(k) + "].direction", std::to_string(e.direction),
                                   "-1, 0 or +1");
            }
        }
        if (opt.controller != "gustafsson" && opt.controller != "standard") {
            throw config_error("controller", "'" + opt.controller + "'", "one of: gustafsson, standard");
        }
        if (opt.jacobian != "analytic" && opt.jacobian != "fd") {
            throw config_error("jacobian", "'" + opt.jacobian + "'", "one of: analytic, fd");
        }
        const auto bps = breakpoints_of(p);
        if (opt.jacobian == "fd") {
            fd_jacobian_view<P> v{p};
            run(v, opt, t_end, std::move(y), bps, res);
        }
        else {
            run(p, opt, t_end, std::move(y), bps, res);
        }
        return res;
    });
}

}  // namespace brainsim::solver
