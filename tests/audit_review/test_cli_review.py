"""The review commands end to end (SQLite store, a small extract for roles): happy paths and
refusals (wrong role, unknown allocation, double sign-off), exit codes 0 and 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from golden_check import assert_golden

from .conftest import STAFF_ROWS, build_october

AS_OF = "2026-11-05"


@pytest.fixture
def env(tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "extract"
    data.mkdir()
    (data / "children.csv").write_text("child_id,date_of_birth\nC001,2015-01-01\n")
    lines = ["staff_id,role,team,active,email,display_name"]
    lines += [f"{sid},{role},{team},,{sid.lower()}@example.gg,Person {sid}"
              for sid, role, team in STAFF_ROWS]
    (data / "staff.csv").write_text("\n".join(lines) + "\n")
    build_october(sqlite_url)
    return {"db": sqlite_url, "data": str(data)}


@pytest.fixture
def call(env, run_cli):  # type: ignore[no-untyped-def]
    def _call(*args: str, data: bool = True) -> tuple[int, str, str]:
        extra = ["--db", env["db"], "--as-of", AS_OF, "--format", "json"]
        if data:
            extra += ["--data", env["data"]]
        return run_cli("audits", *args, *extra)
    return _call


def _json(result: tuple[int, str, str]) -> dict:
    code, out, err = result
    assert code == 0, err
    return json.loads(out)


def test_moderate_and_refusals(call) -> None:
    out = _json(call("moderate", "2026-10-001", "--by", "S003", "--grade", "RI",
                     "--disagree", "--notes", "evidence of planning found"))
    assert out["grade"] == "requires_improvement" and out["agree"] is False
    code, _, err = call("moderate", "2026-10-001", "--by", "S030", "--grade", "good",
                        "--agree")
    assert code == 2 and "information_officer" in err and "Traceback" not in err
    code, _, err = call("moderate", "2026-10-099", "--by", "S003", "--grade", "good",
                        "--agree")
    assert code == 2 and "no allocation 2026-10-099" in err
    code, _, err = call("moderate", "2026-10-001", "--by", "S003", "--grade", "good")
    assert code == 2 and "--agree or --disagree" in err
    code, _, err = call("moderate", "2026-10-001", "--by", "S999", "--grade", "good",
                        "--agree")
    assert code == 2 and "no such staff member" in err


def test_moderation_sample_and_agreement_for_pdqa_only(call) -> None:
    first = _json(call("moderation-sample", "--month", "2026-10"))
    stored = _json(call("moderation-sample", "--month", "2026-10", "--allocate", "--by",
                        "S002"))
    assert [r["allocation_id"] for r in first["moderations"]] == [
        r["allocation_id"] for r in stored["moderations"]]
    assert all(r["stored"] for r in stored["moderations"])
    _json(call("moderate", "2026-10-002", "--by", "S004", "--grade", "outstanding", "--agree"))
    code, _, err = call("agreement", "--as", "S001", "--year", "2026")
    assert code == 2 and "only pdqa_coordinator" in err
    rep = _json(call("agreement", "--as", "S002", "--month", "2026-10"))
    assert rep["moderations"] == 1 and rep["agreement_percent"] == 100.0


def test_meeting_and_dispute(call) -> None:
    m = _json(call("meeting", "2026-10-004", "--held", "--date", "2026-10-20", "--who", "S021",
                   "--who", "W1", "--joint", "--worker-comments", "agreed", data=False))
    assert m["held"] and m["attendees"] == ["S021", "W1"]
    code, _, err = call("meeting", "2026-10-004", "--held", data=False)
    assert code == 2 and "--date" in err
    d = _json(call("dispute", "2026-10-004", "--by", "W1", "--evidence", "plan on time"))
    assert d["grade_before"] == "requires_improvement"
    code, _, err = call("dispute", "2026-10-004", "--decide", "--by", "S010", "--outcome",
                        "upheld", "--grade-after", "good")
    assert code == 2 and "only service_manager" in err
    done = _json(call("dispute", "2026-10-004", "--decide", "--by", "S003", "--outcome",
                      "upheld", "--grade-after", "good"))
    assert done["grade_after"] == "good"


def test_escalate_and_acknowledge(call) -> None:
    e = _json(call("escalate", "2026-10-007", "--identified", "2026-10-30", "--told", "S010",
                   "--told-on", "2026-11-02"))
    assert e["working_days_to_tell"] == 1 and e["late"] is False  # Friday -> Monday
    code, _, err = call("escalate", "2026-10-007", "--identified", "2026-11-06", "--told",
                        "S010", "--told-on", "2026-11-06")
    assert code == 2 and "after today" in err
    code, _, err = call("acknowledge", str(e["escalation_id"]), "--by", "S002")
    assert code == 2 and "only associate_director" in err
    ack = _json(call("acknowledge", str(e["escalation_id"]), "--by", "S001"))
    assert ack["acknowledged_by"] == "S001"
    code, _, err = call("acknowledge", str(e["escalation_id"]), "--by", "S001")
    assert code == 2 and "already acknowledged" in err


def test_tier3_propose_and_choose(call) -> None:
    prop = _json(call("tier3", "--month", "2026-11", data=False))
    assert [r["allocation_id"] for r in prop["shortlist"]] == ["2026-10-001", "2026-10-004"]
    code, _, err = call("tier3", "--month", "2026-11", "--choose", "2026-10-001", "--by",
                        "S002")
    assert code == 2 and "only associate_director" in err
    out = _json(call("tier3", "--month", "2026-11", "--choose", "2026-10-001", "--by", "S001"))
    assert out["overridden"] is False and out["due_date"] == "2026-11-19"
    code, _, err = call("tier3", "--month", "2026-11", "--choose", "2026-10-004", "--by",
                        "S001", "--reason", "x")
    assert code == 2 and "already chosen" in err


def test_family_contact_decline_and_share(call) -> None:
    code, _, err = call("family-contact", "2026-10-003", "--decline", "--reason", "safety",
                        data=False)
    assert code == 2 and "completed" in err  # only an open audit's flag can move
    share = _json(call("family-contact", data=False))
    assert share["with_family_contact"] == 1 and share["completed_audits"] == 6


def test_actions_lifecycle_and_refusals(call) -> None:
    a = _json(call("actions", "add", "2026-10-001", "--what", "update the chronology",
                   "--owner", "W1", "--due", "2026-11-20"))
    aid = str(a["action_id"])
    assert a["state"] == "open"
    code, _, err = call("actions", "sign-off", aid, "--by", "S010")
    assert code == 2 and "not completed yet" in err
    _json(call("actions", "complete", aid, "--by", "W1", data=False))
    code, _, err = call("actions", "sign-off", aid, "--by", "S011")
    assert code == 2 and "not the case's supervising manager (S010)" in err
    assert _json(call("actions", "sign-off", aid, "--by", "S010"))["state"] == "signed_off"
    code, _, err = call("actions", "sign-off", aid, "--by", "S010")
    assert code == 2 and "signed off twice" in err
    listed = _json(call("actions", "list", "--state", "signed_off", data=False))
    assert [r["action_id"] for r in listed["actions"]] == [a["action_id"]]
    code, _, err = call("actions", "add", "2026-10-099", "--what", "x", "--owner", "W1",
                        "--due", "2026-11-20")
    assert code == 2 and "no allocation" in err


def test_reaudit_and_compare(call) -> None:
    r = _json(call("reaudit", "C001", "--reason", "inadequate in October", "--auditor",
                   "S012", "--month", "2026-11"))
    assert r["reaudit_of"] == "2026-10-001" and r["allocation_id"] == "2026-11-001"
    cmp = _json(call("reaudit", "--compare", r["allocation_id"], data=False))
    assert cmp["grade_before"] == "inadequate" and cmp["grade_after"] is None


def test_table_output_is_readable(env, run_cli) -> None:
    code, out, _ = run_cli("audits", "tier3", "--month", "2026-11",
                           "--db", env["db"], "--as-of", AS_OF, "--format", "table")
    assert code == 0 and "2026-10-001" in out and "graded inadequate" in out


def test_family_contact_decline_moves_the_flag(env, call) -> None:
    from cfcs_qa.audit.store import open_store

    from .conftest import add_allocation

    with open_store(env["db"], create=False) as store, store.transaction() as conn:
        for i in (9, 10, 11):
            add_allocation(conn, f"2026-10-{i:03d}", f"C{i:03d}", "Team C", "S011",
                           run_id=1, family_contact=i == 9)
    out = _json(call("family-contact", "2026-10-009", "--decline", "--reason",
                     "risk to the auditor", "--by", "S011", data=False))
    assert out["moved_to"] in ("2026-10-007", "2026-10-010", "2026-10-011")
    code, _, err = call("family-contact", "2026-10-009", "--decline", "--reason", "again",
                        data=False)
    assert code == 2 and "not flagged" in err


GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "audit_review"


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/audit_review/NAME (CFCS_QA_UPDATE_GOLDEN=1 rewrites)."""
    assert_golden(GOLDEN / name, text)


def test_golden_tables(env, run_cli) -> None:
    base = ["--db", env["db"], "--as-of", AS_OF, "--format", "table"]
    screens = []
    for args in (
        ["audits", "tier3", "--month", "2026-11"],
        ["audits", "moderation-sample", "--month", "2026-10", "--data", env["data"]],
        ["audits", "escalate", "C003", "--identified", "2026-10-16", "--told", "S012",
         "--told-on", "2026-10-20", "--data", env["data"]],
        ["audits", "actions", "add", "2026-10-004", "--what", "review the plan", "--owner",
         "W1", "--due", "2026-11-06", "--data", env["data"]],
        ["audits", "actions", "list"],
        ["audits", "moderate", "2026-10-001", "--by", "S030", "--grade", "good", "--agree",
         "--data", env["data"]],
    ):
        code, out, err = run_cli(*args, *base)
        screens.append(f"$ cfcs-qa {' '.join(args[:3])} ... (exit {code})\n{out}{err}")
    check_golden("review_screens.txt", "\n".join(screens))


def test_no_output_aggregates_grades_by_worker(call) -> None:
    _json(call("moderate", "2026-10-002", "--by", "S004", "--grade", "outstanding", "--agree"))
    rep = _json(call("agreement", "--as", "S002", "--year", "2026"))
    assert set(rep) >= {"by_month", "by_auditor", "by_tier"}
    assert not any("worker" in key for key in rep)
