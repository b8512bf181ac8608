// One translator maps every C++ brainsim error type onto exactly one Python class defined in
// python/brainsim/errors.py. Most-derived types are caught first; nothing falls through to a bare
// RuntimeError.
#include "bindings.hpp"

#include <brainsim/errors.hpp>

namespace py = pybind11;

namespace brainsim::py {
namespace {

void raise(const char* cls, const std::exception& e) {
    auto errors = pybind11::module_::import("brainsim.errors");
    pybind11::object type = errors.attr(cls);
    PyErr_SetString(type.ptr(), e.what());
}

void raise_config(const char* cls, const config_error& e) {
    // Attach the structured fields to the exception instance.
    auto errors = pybind11::module_::import("brainsim.errors");
    pybind11::object type = errors.attr(cls);
    pybind11::object exc = type(e.what());
    exc.attr("parameter") = e.parameter;
    exc.attr("value") = e.value;
    exc.attr("allowed") = e.allowed;
    PyErr_SetObject(type.ptr(), exc.ptr());
}

}  // namespace

void register_errors(pybind11::module_& m) {
    pybind11::register_exception_translator([](std::exception_ptr p) {
        if (!p) return;
        try {
            std::rethrow_exception(p);
        }
        catch (const unknown_model_error& e) {
            raise_config("UnknownModelError", e);
        }
        catch (const delay_error& e) {
            raise_config("DelayError", e);
        }
        catch (const config_error& e) {
            raise_config("ConfigError", e);
        }
        catch (const numerical_error& e) {
            raise("NumericalError", e);
        }
        catch (const communication_error& e) {
            raise("CommunicationError", e);
        }
        catch (const io_error& e) {
            raise("BrainsimIOError", e);
        }
        catch (const internal_error& e) {
            raise("InternalError", e);
        }
        catch (const error& e) {
            raise("BrainsimError", e);
        }
    });

    // Test hook: raise each C++ error type so the tests can check the translation.
    m.def("_raise_cpp_error", [](const std::string& kind) {
        if (kind == "config") throw config_error("dt_ms", "-1", "> 0 and finite");
        if (kind == "unknown_model") throw unknown_model_error("lif_typo", "lif, hh");
        if (kind == "delay") throw delay_error("delay_ms", "0.05", ">= dt_ms (0.1)");
        if (kind == "numerical") throw numerical_error("step size underflow");
        if (kind == "communication") throw communication_error("no MPI");
        if (kind == "io") throw io_error("missing file");
        if (kind == "internal") throw internal_error("broken invariant");
        if (kind == "base") throw error("generic");
        throw config_error("kind", "'" + kind + "'", "config, unknown_model, delay, numerical, communication, io, internal, base");
    });
}

}  // namespace brainsim::py
