#pragma once
// One register_<area>() per bindings/register_<area>.cpp; module.cpp calls them all.
#include <pybind11/pybind11.h>

namespace brainsim::py {
void register_errors(pybind11::module_& m);
void register_core(pybind11::module_& m);
void register_solver(pybind11::module_& m);
void register_neuron(pybind11::module_& m);
void register_numeric(pybind11::module_& m);
void register_network(pybind11::module_& m);
void register_wholebrain(pybind11::module_& m);
}  // namespace brainsim::py
