"""The bundled sample_data/ is exactly the generator's default output, and generation is
deterministic: same options, same bytes; another seed, other data."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from cfcs_qa.contract import TABLES
from cfcs_qa.synth.options import SynthOptions
from cfcs_qa.synth.writer import MARKER, write_sample_data

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "sample_data"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_bundled_sample_regenerates_byte_identically(default_extract: Path) -> None:
    bundled, fresh = _files(BUNDLED), _files(default_extract)
    assert sorted(bundled) == sorted(fresh), "sample_data/ holds other files than the generator"
    changed = [name for name in fresh if bundled[name] != fresh[name]]
    assert not changed, f"regenerate with `make sample-data`: {changed} differ"


def test_same_options_same_bytes(default_extract: Path, tmp_path: Path) -> None:
    write_sample_data(SynthOptions(), tmp_path)
    assert _files(tmp_path) == _files(default_extract)


def test_another_seed_gives_other_data(default_extract: Path, tmp_path: Path) -> None:
    write_sample_data(SynthOptions(seed=7), tmp_path)
    other = _files(tmp_path)
    assert other["visits.csv"] != _files(default_extract)["visits.csv"]
    assert other["children.csv"] != _files(default_extract)["children.csv"]


def test_every_contract_table_and_column_is_written(default_extract: Path) -> None:
    for name, table in TABLES.items():
        path = default_extract / f"{name}.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        header = rows[0]
        expected = list(table.column_names) + (["preferred_name"] if name == "children" else [])
        assert header == expected, name
        assert len(rows) > 1, f"{name} is empty"
        assert all(len(r) == len(header) for r in rows), name


def test_synthetic_marker_and_readme(default_extract: Path) -> None:
    assert (default_extract / MARKER).read_text("utf-8").startswith("SYNTHETIC SAMPLE DATA")
    readme = (default_extract / "README.md").read_text("utf-8")
    assert "SYNTHETIC SAMPLE DATA" in readme
    assert "cfcs-qa sample-data --output-dir sample_data" in readme
    for code in ("invalid-date", "unknown-code", "duplicate-key", "end-before-start",
                 "orphan-child", "future-date", "preferred_name"):
        assert code in readme


def test_anchor_moves_the_history(tmp_path: Path) -> None:
    write_sample_data(SynthOptions(anchor=date(2025, 6, 30), months=12, clean=True), tmp_path)
    with (tmp_path / "referrals.csv").open(encoding="utf-8") as fh:
        dates = [row["referral_date"] for row in csv.DictReader(fh)]
    years = {d[-4:] for d in dates}
    assert years <= {"2024", "2025"}
    latest = max((d[-4:], d[3:5], d[:2]) for d in dates)
    assert latest <= ("2025", "06", "30")
