#pragma once
// The brainsim error hierarchy. Every error a user can trigger derives from brainsim::error and
// carries structured fields besides its message, so the Python layer (bindings/errors.cpp) can map
// each C++ type onto exactly one Python class in brainsim.errors.

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace brainsim {

// Root of all brainsim errors.
class error: public std::runtime_error {
public:
    explicit error(const std::string& what): std::runtime_error(what) {}
};

// Invalid configuration: unknown key, wrong type, value out of range, non-finite value, bad shape.
class config_error: public error {
public:
    config_error(std::string parameter, std::string value, std::string allowed, std::string context = {}):
        error(format(parameter, value, allowed, context)),
        parameter(std::move(parameter)),
        value(std::move(value)),
        allowed(std::move(allowed)) {}

    std::string parameter;  // name of the offending parameter, e.g. "dt_ms"
    std::string value;      // the value as given, printed
    std::string allowed;    // what would have been accepted, e.g. "> 0 and finite"

private:
    static std::string format(const std::string& p, const std::string& v, const std::string& a,
                              const std::string& ctx) {
        std::string s = ctx.empty() ? std::string{} : ctx + ": ";
        return s + "invalid value " + v + " for '" + p + "' (allowed: " + a + ")";
    }
};

// A model name that is not in the registry.
class unknown_model_error: public config_error {
public:
    unknown_model_error(const std::string& name, const std::string& known):
        config_error("model", "'" + name + "'", "one of: " + known, "unknown model"),
        model(name) {}
    std::string model;
};

// Delays: negative, non-finite, shorter than one step, or not a multiple of dt.
class delay_error: public config_error {
public:
    using config_error::config_error;
};

// Solver failure: step size underflow, Newton/LU failure, non-finite state.
class numerical_error: public error {
public:
    explicit numerical_error(const std::string& what): error(what) {}
};

// Failure of a collective operation or a request for a communicator this build lacks.
class communication_error: public error {
public:
    explicit communication_error(const std::string& what): error(what) {}
};

// I/O: a file that is missing, unreadable or corrupt.
class io_error: public error {
public:
    explicit io_error(const std::string& what): error(what) {}
};

// A broken internal invariant: a brainsim bug, please report it.
class internal_error: public error {
public:
    explicit internal_error(const std::string& what):
        error("internal error (this is a brainsim bug, please report it): " + what) {}
};

namespace detail {
// Print a double for error messages with enough digits to round-trip.
inline std::string repr(double x) {
    if (std::isnan(x)) return "nan";
    std::ostringstream os;
    os.precision(17);
    os << x;
    return os.str();
}
}  // namespace detail

// Validation helpers, written in positive form so NaN always fails.
inline double require_finite(const std::string& name, double x) {
    if (!std::isfinite(x)) throw config_error(name, detail::repr(x), "a finite number");
    return x;
}
inline double require_positive(const std::string& name, double x) {
    if (!(x > 0.0) || !std::isfinite(x)) throw config_error(name, detail::repr(x), "> 0 and finite");
    return x;
}
inline double require_nonnegative(const std::string& name, double x) {
    if (!(x >= 0.0) || !std::isfinite(x)) throw config_error(name, detail::repr(x), ">= 0 and finite");
    return x;
}

}  // namespace brainsim
