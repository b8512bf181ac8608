#include "bindings.hpp"

PYBIND11_MODULE(_core, m) {
    m.doc() = "brainsim compiled core (private: use the brainsim package)";
    brainsim::py::register_errors(m);
    brainsim::py::register_core(m);
    brainsim::py::register_solver(m);
    brainsim::py::register_neuron(m);
    brainsim::py::register_numeric(m);
    brainsim::py::register_network(m);
    brainsim::py::register_wholebrain(m);
}
