"""Every C++ error type crosses into Python as exactly one class, also deriving from a builtin."""

import pytest

import brainsim as bs
from brainsim import _core, errors

CASES = [
    ("config", errors.ConfigError, ValueError, "dt_ms"),
    ("unknown_model", errors.UnknownModelError, KeyError, "lif_typo"),
    ("delay", errors.DelayError, ValueError, "delay_ms"),
    ("numerical", errors.NumericalError, ArithmeticError, "step size underflow"),
    ("communication", errors.CommunicationError, RuntimeError, "no MPI"),
    ("io", errors.BrainsimIOError, OSError, "missing file"),
    ("internal", errors.InternalError, RuntimeError, "please report"),
    ("base", errors.BrainsimError, Exception, "generic"),
]


@pytest.mark.parametrize(("kind", "cls", "builtin", "fragment"), CASES)
def test_cpp_error_translation(kind, cls, builtin, fragment):
    with pytest.raises(cls, match=fragment) as info:
        _core._raise_cpp_error(kind)
    assert type(info.value) is cls  # exactly this class, not a parent
    assert isinstance(info.value, builtin)
    assert isinstance(info.value, bs.BrainsimError)


def test_config_error_carries_fields():
    with pytest.raises(errors.ConfigError) as info:
        _core._raise_cpp_error("config")
    assert info.value.parameter == "dt_ms"
    assert info.value.value == "-1"
    assert "> 0" in info.value.allowed


def test_unknown_model_message_is_not_quoted():
    with pytest.raises(errors.UnknownModelError) as info:
        _core._raise_cpp_error("unknown_model")
    assert str(info.value).startswith("unknown model")


def test_hierarchy():
    assert issubclass(errors.UnknownModelError, errors.ConfigError)
    assert issubclass(errors.DelayError, errors.ConfigError)
    assert not issubclass(errors.NumericalError, ValueError)
