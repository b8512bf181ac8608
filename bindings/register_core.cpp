// Build information, communicators and the thread pool.
#include "bindings.hpp"

#include <brainsim/build_info.hpp>
#include <brainsim/comm/communicator.hpp>
#include <brainsim/thread_pool.hpp>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <thread>

namespace py = pybind11;

namespace brainsim::py {

void register_core(pybind11::module_& m) {
    m.def("build_info", [] {
        auto b = brainsim::build_info();
        pybind11::dict d;
        d["version"] = b.version;
        d["git_hash"] = b.git_hash;
        d["compiler"] = b.compiler;
        d["flags"] = b.flags;
        d["build_type"] = b.build_type;
        d["mpi"] = b.mpi;
        d["threads"] = b.threads;
        d["hardware_threads"] = b.hardware_threads;
        return d;
    });

    pybind11::class_<comm::communicator>(m, "Communicator")
        .def_property_readonly("rank", &comm::communicator::rank)
        .def_property_readonly("size", &comm::communicator::size)
        .def_property_readonly("name", &comm::communicator::name)
        .def("barrier", &comm::communicator::barrier, pybind11::call_guard<pybind11::gil_scoped_release>())
        .def("sum", &comm::communicator::sum)
        .def("min", &comm::communicator::min)
        .def("max", &comm::communicator::max)
        .def("all_gather",
             [](const comm::communicator& c, pybind11::array_t<double, pybind11::array::c_style | pybind11::array::forcecast> a) {
                 if (a.ndim() != 1) throw pybind11::value_error("all_gather: expected a 1-d array");
                 comm::gathered<double> g;
                 {
                     pybind11::gil_scoped_release release;
                     g = c.all_gather(std::span<const double>(a.data(), a.size()));
                 }
                 pybind11::array_t<double> out(g.values.size());
                 std::copy(g.values.begin(), g.values.end(), out.mutable_data());
                 return pybind11::make_tuple(out, g.offsets);
             },
             "Gather every rank's 1-d float64 array; returns (concatenation in rank order, offsets)")
        .def("__repr__", [](const comm::communicator& c) {
            return "<Communicator " + c.name() + " rank " + std::to_string(c.rank()) + " of " +
                   std::to_string(c.size()) + ">";
        });

    m.def("local_communicator", &comm::make_local_communicator);
    m.def("mpi_communicator", &comm::make_mpi_communicator, pybind11::arg("mpi_comm_address"));
    m.def("have_mpi", &comm::have_mpi);
    m.def("default_thread_count", &brainsim::default_thread_count, pybind11::arg("fallback") = 1);
}

}  // namespace brainsim::py
