"""bs.models(): one registry listing every compiled model with parameters, units and defaults."""

import pytest

import brainsim as bs

# Models the issues require, by kind.
REQUIRED = {
    "neuron": {"hh", "hh_traub", "adex", "lif_delta", "lif_curr_exp", "lif_cond_exp"},
    "mass": {"wilson_cowan", "jansen_rit", "hopf"},
}


def test_registry_lists_required_models_with_units():
    entries = bs.models()
    names = {e["name"]: e for e in entries}
    for kind, required in REQUIRED.items():
        assert required <= {e["name"] for e in entries if e["kind"] == kind}
    for e in entries:
        assert e["parameters"], e["name"]
        for p in e["parameters"]:
            assert set(p) >= {"name", "unit", "default", "doc"}
            assert isinstance(p["default"], float)
    # Spot-check documented defaults of the HH model (issue 3: C_m = 100 pF, g_Na = 12000 nS).
    hh = {p["name"]: p for p in names["hh"]["parameters"]}
    cm = next(v for k, v in hh.items() if k.lower().startswith("c"))
    assert cm["default"] == 100.0 and cm["unit"] == "pF"


def test_kind_filter_and_bad_kind():
    assert all(e["kind"] == "neuron" for e in bs.models("neuron"))
    assert all(e["kind"] == "mass" for e in bs.models("mass"))
    with pytest.raises(bs.ConfigError, match="kind"):
        bs.models("synapse")


def test_cli_models_command(capsys):
    from brainsim.cli import main

    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "hh_traub" in out and "jansen_rit" in out
