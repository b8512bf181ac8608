import re

import brainsim as bs


def test_build_info_reports_the_build():
    info = bs.build_info()
    assert re.fullmatch(r"\d+\.\d+\.\d+", info["version"])
    assert info["version"] == bs.__version__
    assert isinstance(info["mpi"], bool) and isinstance(info["threads"], bool)
    assert info["threads"] is True
    assert info["compiler"] and info["build_type"]
    assert info["hardware_threads"] >= 1


def test_mpi_flag_matches_communicator_availability():
    if bs.build_info()["mpi"]:
        comm = bs.mpi_communicator()
        assert comm.size >= 1 and 0 <= comm.rank < comm.size
    else:
        import pytest

        with pytest.raises(bs.CommunicationError, match="pip install mpich mpi4py"):
            bs.mpi_communicator()


def test_local_communicator_gathers_its_own_data():
    import numpy as np

    c = bs.local_communicator()
    assert (c.rank, c.size, c.name) == (0, 1, "local")
    vals, offsets = c.all_gather(np.array([1.5, 2.5]))
    assert vals.tolist() == [1.5, 2.5] and offsets == [0, 2]
    assert c.sum(7) == 7
