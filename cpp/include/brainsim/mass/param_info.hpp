#pragma once
// Descriptions of neural-mass parameters and state variables, so the Python layer can list names,
// units and defaults (brainsim.wholebrain.node_models()).

#include <array>
#include <cstddef>

namespace brainsim::mass {

struct param_info {
    const char* name;
    const char* unit;
    double default_value;
    const char* doc;
};

}  // namespace brainsim::mass
