// Exact summation: exact_sum / exact_dot on NumPy float64 arrays (no copies) and the
// superaccumulator itself (merge, serialize, digest, all-reduce over a communicator).
#include "bindings.hpp"

#include <brainsim/comm/communicator.hpp>
#include <brainsim/errors.hpp>
#include <brainsim/numeric/accumulation.hpp>
#include <brainsim/numeric/superaccumulator.hpp>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>

namespace brainsim::py {
namespace {

using numeric::superaccumulator;

std::string shape_of(const pybind11::array& a) {
    std::string s = "(";
    for (pybind11::ssize_t d = 0; d < a.ndim(); ++d) {
        if (d > 0) s += ", ";
        s += std::to_string(a.shape(d));
    }
    if (a.ndim() == 1) s += ",";
    return s + ")";
}

// A view of a contiguous 1-d float64 array (no copy). The Python layer converts other inputs.
std::span<const double> view_1d(const pybind11::array& a, const char* name) {
    if (a.ndim() != 1)
        throw config_error(name, "an array of shape " + shape_of(a), "a 1-d array");
    if (!a.dtype().is(pybind11::dtype::of<double>()))
        throw config_error(name, "an array of dtype " + std::string(pybind11::str(a.dtype())),
                           "float64 (brainsim.numeric converts other real dtypes)");
    if (a.shape(0) > 1 && a.strides(0) != static_cast<pybind11::ssize_t>(sizeof(double)))
        throw config_error(name, "a non-contiguous array", "a contiguous array (brainsim.numeric converts)");
    return {static_cast<const double*>(a.data()), static_cast<std::size_t>(a.shape(0))};
}

superaccumulator accumulate(const pybind11::array& a) {
    auto x = view_1d(a, "a");
    superaccumulator acc;
    pybind11::gil_scoped_release release;
    acc.add(x);
    return acc;
}

superaccumulator accumulate_dot(const pybind11::array& a, const pybind11::array& b) {
    auto x = view_1d(a, "a");
    auto y = view_1d(b, "b");
    if (x.size() != y.size())
        throw config_error("b", "an array of shape " + shape_of(b),
                           "the same shape as a " + shape_of(a));
    superaccumulator acc;
    pybind11::gil_scoped_release release;
    acc.add_products(x, y);
    return acc;
}

double finish(superaccumulator& acc, const std::optional<comm::communicator>& comm) {
    if (comm) {
        pybind11::gil_scoped_release release;
        acc.all_reduce(*comm);
    }
    return acc.round();
}

}  // namespace

void register_numeric(pybind11::module_& m) {
    m.def(
        "exact_sum",
        [](const pybind11::array& a, std::optional<comm::communicator> comm) {
            auto acc = accumulate(a);
            return finish(acc, comm);
        },
        pybind11::arg("a"), pybind11::arg("comm") = pybind11::none(),
        "Exact sum of a contiguous 1-d float64 array, correctly rounded (over all ranks of comm)");
    m.def(
        "exact_dot",
        [](const pybind11::array& a, const pybind11::array& b, std::optional<comm::communicator> comm) {
            auto acc = accumulate_dot(a, b);
            return finish(acc, comm);
        },
        pybind11::arg("a"), pybind11::arg("b"), pybind11::arg("comm") = pybind11::none(),
        "Exact dot product of two contiguous 1-d float64 arrays, correctly rounded");
    m.def("exact_sum_kernel", [] { return std::string(numeric::detail::exact_sum_kernel_name()); });
    m.def("parse_accumulation",
          [](const std::string& name) { return std::string(numeric::to_string(numeric::parse_accumulation(name))); },
          pybind11::arg("name"));

    pybind11::class_<superaccumulator>(m, "Superaccumulator")
        .def(pybind11::init<>())
        .def("add_array", [](superaccumulator& s, const pybind11::array& a) {
            auto x = view_1d(a, "a");
            pybind11::gil_scoped_release release;
            s.add(x);
        }, pybind11::arg("a"))
        .def("add_products", [](superaccumulator& s, const pybind11::array& a, const pybind11::array& b) {
            s.merge(accumulate_dot(a, b));
        }, pybind11::arg("a"), pybind11::arg("b"))
        .def("add", pybind11::overload_cast<double>(&superaccumulator::add), pybind11::arg("x"))
        .def("add_product", &superaccumulator::add_product, pybind11::arg("a"), pybind11::arg("b"))
        .def("merge", &superaccumulator::merge, pybind11::arg("other"))
        .def("value", &superaccumulator::round)
        .def("__float__", &superaccumulator::round)
        .def("digest", &superaccumulator::digest)
        .def("to_bytes", [](const superaccumulator& s) {
            auto b = s.serialize();
            return pybind11::bytes(reinterpret_cast<const char*>(b.data()), b.size());
        })
        .def_static("from_bytes", [](const pybind11::bytes& data) {
            std::string_view v = data;
            return superaccumulator::deserialize(
                std::span<const std::byte>(reinterpret_cast<const std::byte*>(v.data()), v.size()));
        }, pybind11::arg("data"))
        .def("all_reduce", &superaccumulator::all_reduce, pybind11::arg("comm"),
             pybind11::call_guard<pybind11::gil_scoped_release>())
        .def("__eq__", [](const superaccumulator& a, const superaccumulator& b) { return a == b; })
        .def("__repr__", [](const superaccumulator& s) {
            return "<Superaccumulator " + brainsim::detail::repr(s.round()) + ">";
        });
}

}  // namespace brainsim::py
