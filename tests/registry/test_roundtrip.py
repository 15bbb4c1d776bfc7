"""import -> export -> import gives identical data, in every format."""

from __future__ import annotations

from pathlib import Path

import pytest
from io_samples import sample_batch, write_batch

from resettle.registry import RecordKind, assemble_batch, read_records


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("hxl", [False, True])
def test_sample_batch_round_trips(tmp_path: Path, suffix: str, hxl: bool) -> None:
    batch = sample_batch()
    paths = write_batch(tmp_path, batch, suffix, hxl=hxl)
    parsed = [read_records(path) for path in paths]
    assert [p.kind for p in parsed] == list(RecordKind)
    assert [i for p in parsed for i in p.issues] == []
    assert assemble_batch(parsed) == batch


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "json"])
def test_shared_sample_batch_round_trips(tmp_path: Path, suffix: str) -> None:
    from registry_samples import make_batch

    batch = make_batch()
    parsed = [read_records(path) for path in write_batch(tmp_path, batch, suffix)]
    assert assemble_batch(parsed) == batch


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_ashraf_scenario_round_trips(tmp_path: Path, suffix: str) -> None:
    """The whole synthetic camp (about 3,400 persons) goes out and comes back unchanged."""
    from resettle.simulation.ashraf import generate_ashraf

    batch = generate_ashraf(2011)
    parsed = [read_records(path) for path in write_batch(tmp_path, batch, suffix)]
    assert [i for p in parsed for i in p.issues] == []
    assert assemble_batch(parsed) == batch
