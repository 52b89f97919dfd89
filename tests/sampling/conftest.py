"""Fixtures for ``cfcs-qa sample``: a small CSV extract on disk and a store on SQLite and, when
a server is configured, PostgreSQL (``store_url`` in tests/conftest.py: each PostgreSQL test in its
own schema, dropped afterwards)."""

from __future__ import annotations

from pathlib import Path

import pytest

TEAMS = ("Team A", "Team B", "Team C")
AUDITORS = [("TM_A", "team_manager", "Team A"), ("TM_B", "team_manager", "Team B"),
            ("TM_C", "team_manager", "Team C"), ("IRO1", "iro", ""), ("IRO2", "iro", ""),
            ("CSM1", "csm", "")]
OTHERS = [("W1", "social_worker", "Team A"), ("W2", "social_worker", "Team B"),
          ("W3", "social_worker", "Team C"), ("P1", "pdqa_coordinator", ""),
          ("OLD", "iro", "")]


def write_extract(folder: Path, n_children: int = 30,
                  staff: list[tuple[str, str, str]] | None = None,
                  siblings: bool = True) -> Path:
    """Children C001.. in teams A/B/C (i % 3); a third each cp, cic, cin; pairs of siblings
    among the first ten; IRO1 chaired C001's conference in May 2026."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"C{i:03d}" for i in range(1, n_children + 1)]
    third = max(1, n_children // 3)
    fam = [f"F{(i + 1) // 2:02d}" if i <= 10 and siblings else f"G{i:03d}"
           for i in range(1, n_children + 1)]
    files = {
        "children.csv": ["child_id,date_of_birth,family_id"]
        + [f"{c},2015-01-01,{f}" for c, f in zip(ids, fam, strict=True)],
        "allocations.csv": ["child_id,team,worker_id,start_date,end_date"]
        + [f"{c},{TEAMS[i % 3]},W{i % 3 + 1},2025-06-01," for i, c in enumerate(ids)],
        "cp_plans.csv": ["plan_id,child_id,start_date,end_date"]
        + [f"P{c},{c},2026-01-01," for c in ids[:third]],
        "cic_episodes.csv": ["episode_id,child_id,start_date,end_date,legal_status,full_time"]
        + [f"E{c},{c},2026-01-01,,C2,Y" for c in ids[third:2 * third]],
        "cin_plans.csv": ["plan_id,child_id,start_date,end_date"]
        + [f"N{c},{c},2026-01-01," for c in ids[2 * third:]],
        "cp_conferences.csv": ["conference_id,child_id,conference_type,conference_date,chair_id"]
        + ["K1,C001,initial,2026-05-01,IRO1"],
        "staff.csv": ["staff_id,role,team,active,auditor,email,display_name"]
        + [f"{s},{r},{t},{'N' if s == 'OLD' else ''},,{s.lower()}@example.gg,Person {s}"
           for s, r, t in (staff if staff is not None else AUDITORS + OTHERS)],
    }
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def extract_dir(tmp_path: Path) -> Path:
    return write_extract(tmp_path / "extract")


@pytest.fixture
def cli(run_cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run ``cfcs-qa ARGS`` in-process from tmp_path; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    return run_cli
