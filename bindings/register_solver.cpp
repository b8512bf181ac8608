// brainsim.solve(): built-in ODE problems with the fixed-step and Rosenbrock solvers.
#include "bindings.hpp"

#include <brainsim/solver/solve.hpp>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <string>
#include <vector>

namespace brainsim::py {

namespace {
pybind11::dict stats_dict(const solver::work_stats& s) {
    pybind11::dict d;
    d["rhs_evals"] = s.rhs_evals;
    d["jac_evals"] = s.jac_evals;
    d["jac_rhs_evals"] = s.jac_rhs_evals;
    d["lu_decomps"] = s.lu_decomps;
    d["lin_solves"] = s.lin_solves;
    d["accepted"] = s.accepted;
    d["rejected"] = s.rejected;
    return d;
}
}  // namespace

void register_solver(pybind11::module_& m) {
    m.def("solver_problems", &solver::problem_names, "Names of the built-in ODE problems");
    m.def("solver_methods", &solver::method_names, "Names of the ODE methods");
    m.def(
        "solver_problem_info",
        [](const std::string& name, const std::map<std::string, double>& params) {
            auto info = solver::describe_problem(name, params);
            pybind11::dict d;
            d["name"] = info.name;
            d["description"] = info.description;
            d["n"] = info.n;
            d["components"] = info.components;
            d["y0"] = info.y0;
            d["t_end"] = info.t_end;
            d["breakpoints"] = info.breakpoints;
            pybind11::list ps;
            for (const auto& p: info.params) ps.append(pybind11::make_tuple(p.name, p.value, p.unit, p.doc));
            d["params"] = ps;
            return d;
        },
        pybind11::arg("name"), pybind11::arg("params") = std::map<std::string, double>{});
    m.def(
        "solver_solve",
        [](const std::string& problem, const std::string& method, double t0, double t_end, std::vector<double> rtol,
           std::vector<double> atol, double h, bool fixed_step, double h_max, std::map<std::string, double> params,
           std::vector<double> y0, std::vector<double> t_eval,
           std::vector<std::tuple<std::size_t, double, int>> events, std::string jacobian, std::size_t max_steps,
           bool record, std::string controller, double safety, double fac_min, double fac_max,
           bool restart_at_breakpoints) {
            solver::solve_options o;
            o.method = method;
            o.t0 = t0;
            o.t_end = t_end;
            o.rtol = std::move(rtol);
            o.atol = std::move(atol);
            o.h = h;
            o.fixed_step = fixed_step;
            o.h_max = h_max;
            o.params = std::move(params);
            o.y0 = std::move(y0);
            o.t_eval = std::move(t_eval);
            for (const auto& [c, thr, dir]: events) o.events.push_back({c, thr, dir});
            o.jacobian = std::move(jacobian);
            o.max_steps = max_steps;
            o.record = record;
            o.controller = std::move(controller);
            o.safety = safety;
            o.fac_min = fac_min;
            o.fac_max = fac_max;
            o.restart_at_breakpoints = restart_at_breakpoints;
            solver::solve_result r;
            {
                pybind11::gil_scoped_release release;
                r = solver::solve(problem, o);
            }
            pybind11::dict d;
            const std::size_t nt = r.t.size();
            pybind11::array_t<double> t(nt);
            std::copy(r.t.begin(), r.t.end(), t.mutable_data());
            pybind11::array_t<double> y({nt, r.n});
            std::copy(r.y.begin(), r.y.end(), y.mutable_data());
            pybind11::array_t<double> ye(r.n);
            std::copy(r.y_end.begin(), r.y_end.end(), ye.mutable_data());
            pybind11::list ev;
            for (const auto& e: r.event_times) {
                pybind11::array_t<double> a(e.size());
                std::copy(e.begin(), e.end(), a.mutable_data());
                ev.append(a);
            }
            d["problem"] = r.problem;
            d["method"] = r.method;
            d["components"] = r.components;
            d["t"] = t;
            d["y"] = y;
            d["t_end"] = r.t_end;
            d["y_end"] = ye;
            d["stats"] = stats_dict(r.stats);
            d["events"] = ev;
            return d;
        },
        pybind11::arg("problem"), pybind11::arg("method"), pybind11::arg("t0"), pybind11::arg("t_end"),
        pybind11::arg("rtol"), pybind11::arg("atol"), pybind11::arg("h"), pybind11::arg("fixed_step"),
        pybind11::arg("h_max"), pybind11::arg("params"), pybind11::arg("y0"), pybind11::arg("t_eval"),
        pybind11::arg("events"), pybind11::arg("jacobian"), pybind11::arg("max_steps"), pybind11::arg("record"),
        pybind11::arg("controller") = "gustafsson", pybind11::arg("safety") = 0.9, pybind11::arg("fac_min") = 0.2,
        pybind11::arg("fac_max") = 6.0, pybind11::arg("restart_at_breakpoints") = true);
}

}  // namespace brainsim::py
