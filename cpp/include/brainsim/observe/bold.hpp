#pragma once
// BOLD signal through the Balloon-Windkessel model (Buxton 1998; Friston et al. 2000, 2003), with the
// output equation in the revised form of Stephan et al. (2007). Per region, time t in seconds:
//
//   ds/dt = z(t) - kappa s - gamma (f - 1)            vasodilatory signal
//   df/dt = s                                         blood inflow
//   tau dv/dt = f - v^(1/alpha)                       venous volume
//   tau dq/dt = f E(f)/rho - v^(1/alpha) q / v,  E(f) = 1 - (1 - rho)^(1/f)    deoxyhaemoglobin
//   BOLD = V0 [k1 (1 - q) + k2 (1 - q/v) + k3 (1 - v)]
//
// Resting state s = 0, f = v = q = 1. Stiff-safe integration: the positive quantities f, v, q are
// integrated as logarithms (so they can never reach 0 where v^(1/alpha) and (1-rho)^(1/f) break),
// with classical RK4 on the grid of the drive samples (z linear between samples, so each step sees
// a smooth input), split into substeps no longer than max_step_s. Samples are the instantaneous
// BOLD at t = TR, 2 TR, ... (the drive's t = 0 sample is the first drive sample).
//
// The drive is any per-region signal sampled at a fixed interval (a neural-mass rate, a spiking
// population rate, summed synaptic currents): the observer does not know which model produced it.

#include <cstdint>
#include <vector>

namespace brainsim::observe {

struct balloon_params {
    // Friston et al. (2003) haemodynamic parameters
    double kappa = 0.65;  // 1/s   signal decay
    double gamma = 0.41;  // 1/s   flow-dependent elimination (autoregulation)
    double tau = 0.98;    // s     haemodynamic transit time
    double alpha = 0.32;  // 1     Grubb's exponent
    double rho = 0.34;    // 1     resting oxygen extraction fraction E0
    // Output (Stephan et al. 2007): k1 = 4.3 nu0 E0 TE, k2 = epsilon r0 E0 TE, k3 = 1 - epsilon with
    // nu0 = 40.3 1/s, r0 = 25 1/s, TE = 0.04 s, epsilon = 0.5 (TVB's default), E0 = rho.
    double V0 = 0.02;     // resting venous blood volume fraction
    double k1 = 4.3 * 40.3 * 0.34 * 0.04;
    double k2 = 0.5 * 25.0 * 0.34 * 0.04;
    double k3 = 1.0 - 0.5;
    double max_step_s = 0.001;  // longest RK4 substep
};

struct bold_result {
    std::int64_t n_samples = 0, n_regions = 0;
    std::vector<double> bold;    // n_samples x n_regions
    std::vector<double> states;  // n_samples x n_regions x 4: s, f, v, q (linear, not log)
    // To continue with the next stretch of drive (see balloon_windkessel): the integration state at
    // the last drive sample, n_regions x 4 (s, ln f, ln v, ln q), and the drive intervals since the
    // last BOLD sample.
    std::vector<double> final_state;
    std::int64_t final_phase = 0;
};

// drive: n_times x n_regions (row-major), sampled every dt_ms starting at t = 0. tr_ms must be a
// positive multiple of dt_ms. threads: regions are independent and split over a fixed partition.
// Continuation: initial_state (n_regions x 4 as in bold_result::final_state; nullptr = rest) and
// phase (drive intervals already elapsed since the last BOLD sample) make the call continue a
// previous one whose last drive sample is this drive's first: samples then fall where an
// uninterrupted run puts them, and the results are bitwise those of one call on the whole drive.
bold_result balloon_windkessel(const double* drive, std::int64_t n_times, std::int64_t n_regions, double dt_ms,
                               double tr_ms, const balloon_params& p, unsigned threads = 1,
                               const double* initial_state = nullptr, std::int64_t phase = 0);

}  // namespace brainsim::observe
