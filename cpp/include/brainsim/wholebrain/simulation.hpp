#pragma once
// Whole-brain network of neural-mass nodes on a connectome with conduction delays.
//
// Node i obeys x_i' = f(x_i, u_i(t), s_i(t)) + noise, where f is a neural-mass model (brainsim::mass),
// s_i a stimulus and u_i the long-range input
//
//   linear      u_i(t) = a * sum_j w_ij o_j(t - d_ij) + b
//   sigmoidal   u_i(t) = a * sum_j w_ij S(o_j(t - d_ij)) + b,  S(o) = cmin + (cmax-cmin)/(1+exp(-r (o-midpoint)))
//   difference  u_i(t) = a * sum_j w_ij (o_j(t - d_ij) - o_i(t)) + b
//
// with o_j the model's output (e.g. E for Wilson-Cowan, y1-y2 for Jansen-Rit). Delays d_ij are
// integer numbers of steps >= 1 (the Python layer rounds length/velocity/dt half up; a delay that
// rounds to 0 is a delay_error). The history before t = 0 is constant (the initial output).
//
// Integrators (method of steps: every delay is >= 1 step, so the delayed inputs of a step are already
// known):
//   euler  explicit Euler; with noise, Euler-Maruyama.
//   heun   Heun (explicit trapezoid); with noise, stochastic Heun with one noise sample shared by
//          predictor and corrector (as TVB's HeunStochastic). Coupling at t_n and t_{n+1} is exact.
//   rk4    classical Runge-Kutta. The delayed input at the half step, o_j(t_n + dt/2 - d_ij), is the
//          cubic Hermite interpolant of the stored o_j and o_j' at the neighbouring grid points (so the
//          scheme stays 4th order on delay equations; the derivative jump at t = 0 is respected).
//          Additive white noise is rejected (use heun/euler); OU noise enters as a piecewise-linear input.
//   ros2, ros3p, rodas3, rodas4
//          linearly implicit Rosenbrock methods with a fixed step (tableaus from
//          brainsim/solver/rosenbrock_tableau.hpp; orders 2, 3, 3, 4; all L-stable or stiffly accurate),
//          for stiff nodes (e.g. very small time constants) where explicit schemes need dt << tau. The
//          matrix I/(dt gamma) - J uses the node's own analytic Jacobian J = df/dx (block-diagonal: each
//          node is solved alone, dense LU); the delayed coupling is an explicit, known function of time
//          inside the step (method of steps, every delay >= 1 step), evaluated at the stage times with
//          the same cubic Hermite interpolant as rk4, and its time derivative enters the
//          non-autonomous term. With integer-step delays every derivative breakpoint (t = 0 plus sums of
//          delays) is a grid point, so no step straddles one. Additive white noise is rejected.
//
// Noise: "additive" dx_k = ... + g_k sigma dW_k; "ou" dx_k/dt = ... + g_k eta_k with
// d eta = -eta/tau_ou dt + sigma dW, eta(0) = 0, advanced with its exact transition. g_k is the
// model's noise gain. Normal variates come from Philox4x64-10: node i's normals form one sequence
// (number g = step * n_noisy_states + q), normal g being number g mod 4 of the ziggurat normals drawn
// from the block with counter (g / 4, i) and key (seed, stream) (numeric::ziggurat4), so the result does
// not depend on the thread count or partitioning.
//
// Parallelism: time is cut into epochs of K <= min delay steps; within an epoch no node reads anything
// another node writes, so the nodes advance independently (no cross-node reduction exists whose order
// could depend on the grouping) and results are bitwise identical for any thread count. Per epoch and target node the delayed sums
// are formed for all K+1 needed time points at once (one contiguous window per edge: a short AXPY).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <brainsim/mass/param_info.hpp>

namespace brainsim::wholebrain {

enum class coupling_kind { linear, sigmoidal, difference };
enum class noise_kind { none, additive, ou };
enum class integrator { euler, heun, rk4, ros2, ros3p, rodas3, rodas4 };

struct coupling_spec {
    coupling_kind kind = coupling_kind::linear;
    double a = 1.0, b = 0.0;
    double cmin = 0.0, cmax = 1.0, midpoint = 0.0, r = 1.0;  // sigmoidal only
};

struct noise_spec {
    noise_kind kind = noise_kind::none;
    double sigma = 0.0;   // per sqrt(ms) in the units of eta (additive: of the state derivative)
    double tau_ou = 5.0;  // ms
};

// amplitude added to the model's stimulus input u_ext for steps start_step <= n < stop_step.
struct stimulus {
    std::int64_t node = 0;
    std::int64_t start_step = 0, stop_step = 0;
    double amplitude = 0.0;
};

// Everything needed to continue a run exactly where the previous one stopped (plain arrays, so the
// Python layer can keep it between calls): run(a) followed by a run resumed from its carry gives
// bitwise the same trajectory as run(a + b).
struct carry_state {
    std::int64_t step = 0;       // steps already done: x is the state at t = step * dt
    std::int64_t hist_len = 0;   // H: history points kept per node (max delay + 1)
    std::vector<double> x;       // n_nodes x n_state
    std::vector<double> eta;     // n_nodes x n_state, OU input state (first n_noisy entries used)
    std::vector<double> k1;      // n_nodes x n_state, f at x (rk4 / Rosenbrock only, else empty)
    std::vector<double> h, hd;   // n_nodes x H: coupling pre-output and its right derivative (rk4 /
                                 // Rosenbrock only) at steps step - H + 1 .. step
};

struct config {
    std::string model = "wilson_cowan";
    std::size_t n_nodes = 0;
    std::vector<double> params;            // n_nodes x n_params (row-major); empty: model defaults
    std::vector<std::int64_t> row_ptr;     // incoming edges in CSR by target, size n_nodes + 1
    std::vector<std::int32_t> source;      // per edge
    std::vector<std::int32_t> delay_steps; // per edge, >= 1
    std::vector<double> weight;            // per edge
    coupling_spec coupling;
    noise_spec noise;
    integrator method = integrator::rk4;
    double dt = 0.1;                       // ms
    std::uint64_t seed = 0;
    std::vector<double> initial_state;     // n_nodes x n_state; empty: model default for all nodes
    std::vector<stimulus> stimuli;
    std::int64_t record_every = 10;        // steps between samples (samples at t = 0, every, 2 every, ...)
    bool record_states = false;
    // Continue from a previous run's carry instead of initial_state and a constant history. The
    // stimulus and noise clocks are absolute (steps since the first run); resume.step must be a
    // multiple of record_every, and the first sample of a resumed run is at resume.step + record_every.
    bool resume_set = false;
    carry_state resume;
};

struct result {
    std::int64_t n_samples = 0, n_nodes = 0, n_state = 0;
    std::vector<double> output;       // n_samples x n_nodes
    std::vector<double> states;       // n_samples x n_nodes x n_state (if record_states)
    std::vector<double> final_state;  // n_nodes x n_state
    std::int64_t epoch_steps = 0;     // K (min delay in steps)
    carry_state end;                  // to continue this run (config::resume)
};

// Run n_steps steps of dt (from the initial state, or from cfg.resume). Throws config_error / delay_error for bad input, numerical_error when a
// state becomes non-finite (naming node and time).
result simulate(const config& cfg, std::int64_t n_steps, unsigned threads = 1);

struct model_description {
    std::string name;
    std::vector<mass::param_info> params;
    std::vector<std::string> state_names;
    std::vector<double> default_initial;
    std::string output_doc;
};
std::vector<model_description> node_models();
const model_description& node_model(const std::string& name);  // unknown_model_error

}  // namespace brainsim::wholebrain
