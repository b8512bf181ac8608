#pragma once
// The compile-time list of point-neuron models. The engine instantiates its population template for
// every model here, and the Python registry (bs.models()) lists them with parameters and units.
// To add a model: write cpp/include/brainsim/models/<name>.hpp implementing the concept in
// neuron_model.hpp, include it here and append it to neuron_model_list.

#include <brainsim/models/neuron_model.hpp>
#include <brainsim/models/lif_cond_exp.hpp>  // engine helper: LIF family
#include <brainsim/models/lif_curr_exp.hpp>
#include <brainsim/models/lif_delta.hpp>
#include <brainsim/models/hh.hpp>  // models helper: HH, Traub-Miles, AdEx, multi-receptor LIF
#include <brainsim/models/hh_traub.hpp>
#include <brainsim/models/adex.hpp>
#include <brainsim/models/multisyn.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace brainsim::models {

template <typename... Ms>
struct type_list {
    static constexpr std::size_t size = sizeof...(Ms);
};

// Models are appended here by their authors (one include + one list entry each).
using neuron_model_list = type_list<lif_delta, lif_curr_exp, lif_cond_exp, hh, hh_traub, adex, lif_multisyn>;

// Call f.template operator()<M>() for each model M in the list.
template <typename... Ms, typename F>
void for_each_model(type_list<Ms...>, F&& f) {
    (f.template operator()<Ms>(), ...);
}

// Comma-separated names of all models in the list (for error messages).
template <typename... Ms>
std::string model_names(type_list<Ms...>) {
    std::string s;
    ((s += (s.empty() ? "" : ", ") + std::string(Ms::name)), ...);
    return s;
}

}  // namespace brainsim::models
