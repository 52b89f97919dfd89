"""One default extract and one --clean extract per test session (each takes well under a
second to generate)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfcs_qa.synth.options import SynthOptions
from cfcs_qa.synth.writer import write_sample_data


@pytest.fixture(scope="session")
def default_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth_default")
    write_sample_data(SynthOptions(), folder)
    return folder


@pytest.fixture(scope="session")
def clean_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth_clean")
    write_sample_data(SynthOptions(clean=True), folder)
    return folder
