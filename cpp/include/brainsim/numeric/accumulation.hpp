#pragma once
// How a reduction that feeds results (synaptic input, population sums, LFP) adds its terms.
//
//   exact    every term is added exactly (integer fixed point or a superaccumulator) and the result
//            is rounded once: independent of order, threads, ranks and partitioning. The default.
//   ordered  ordinary floating-point addition in one fixed global order (e.g. by source gid):
//            independent of threads/ranks, but not of the order the model defines.
//   fast     ordinary floating-point addition in whatever order is fastest: results may change in
//            the last bits when the thread or rank count changes.

#include <brainsim/errors.hpp>

#include <string>
#include <string_view>

namespace brainsim::numeric {

enum class accumulation { exact, ordered, fast };

inline constexpr accumulation default_accumulation = accumulation::exact;

inline constexpr std::string_view to_string(accumulation a) {
    switch (a) {
        case accumulation::exact: return "exact";
        case accumulation::ordered: return "ordered";
        case accumulation::fast: return "fast";
    }
    return "?";
}

// Parse "exact" | "ordered" | "fast" (exact spelling, lower case). Anything else raises
// config_error naming `parameter`.
inline accumulation parse_accumulation(std::string_view name, const std::string& parameter = "accumulation") {
    if (name == "exact") return accumulation::exact;
    if (name == "ordered") return accumulation::ordered;
    if (name == "fast") return accumulation::fast;
    throw config_error(parameter, "'" + std::string(name) + "'", "one of: exact, ordered, fast");
}

}  // namespace brainsim::numeric
