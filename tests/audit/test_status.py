"""``audits status``: states, days to due, checks against the extract, progress, the
sections, exports and --fail-on-overdue."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

from audit_fixtures import HELD, MONTH, STAFF, complete, make_extract, seed_month
from openpyxl import load_workbook
from typer.testing import CliRunner

from cfcs_qa.audit import schema as s
from cfcs_qa.audit.status import build_status, needs_attention
from cfcs_qa.audit.status_export import status_csv, status_xlsx
from cfcs_qa.audit.store import open_store, utcnow
from cfcs_qa.calendar import make_calendar
from cfcs_qa.cli.main import app
from cfcs_qa.errors import UserError

CAL = make_calendar()


def _status(url: str, as_of: date, extract=None) -> dict:
    with open_store(url, create=False) as store, store.read() as conn:
        return build_status(conn, MONTH, as_of, CAL, None, extract)


def test_states_days_to_due_and_progress(store_url: str) -> None:
    seed_month(store_url)
    complete(store_url, "2026-11-002", on="2026-11-16")
    before = _status(store_url, date(2026, 11, 17))
    by_id = {r["allocation_id"]: r for r in before["allocations"]}
    assert by_id["2026-11-001"]["state"] == "issued"
    assert by_id["2026-11-001"]["days_to_due"] == 2  # Tue 17 -> Thu 19
    assert by_id["2026-11-001"]["auditor_email"] == "s2@example.gg"
    assert by_id["2026-11-002"]["state"] == "completed"
    assert by_id["2026-11-002"]["days_to_due"] is None
    assert before["late"] == [] and before["non_compliance"] == []
    assert not needs_attention(before)
    progress = before["progress"]
    assert progress["caseload"] == 9 and progress["completed"] == 1
    assert progress["children_audited_12m"] == 1
    assert progress["percent_of_caseload_audited_12m"] == 11.1
    assert progress["audit_year_start"] == "2026-01-01" and progress["target"] == 125
    # One completed audit this year, none with family contact; one allocation is flagged.
    assert before["family_contact"] == {
        "year_from": "2026-01", "year_to": "2026-12", "completed_audits": 1,
        "with_family_contact": 0, "share_percent": 0.0, "flagged_allocations": 1}

    after = _status(store_url, date(2026, 11, 23))
    assert after["late"] == ["2026-11-001", "2026-11-003"]
    assert {r["allocation_id"]: r["days_to_due"] for r in after["allocations"]
            if r["state"] == "late"} == {"2026-11-001": -2, "2026-11-003": -2}
    assert needs_attention(after)
    # S1 and S2 missed the due date; S3 completed; S4 was excluded.
    assert [r["staff_id"] for r in after["non_compliance"]] == ["S1", "S2"]


def test_checks_against_the_latest_extract(store_url: str) -> None:
    seed_month(store_url)
    status = _status(store_url, date(2026, 11, 17), make_extract(STAFF, HELD, "2026-11-17"))
    found = sorted((c["allocation_id"], c["check"]) for c in status["checks"])
    assert found == [("2026-11-001", "auditor_inactive"), ("2026-11-001", "transferred"),
                     ("2026-11-002", "closed"), ("2026-11-003", "conflict")]
    by_id = {r["allocation_id"]: r for r in status["allocations"]}
    assert by_id["2026-11-003"]["checks"] == ["conflict"]
    assert status["extract_checked"] is True


def test_escalations_and_actions_sections(store_url: str) -> None:
    seed_month(store_url)
    with open_store(store_url, create=False) as store, store.transaction() as conn:
        conn.execute(s.escalations.insert(), [
            {"allocation_id": "2026-11-001", "child_id": "C01",
             "identified_on": date(2026, 11, 5), "told_staff_id": "S6",
             "told_on": date(2026, 11, 9), "recorded_by": "t", "recorded_at": utcnow(),
             "acknowledged_by": "S9", "acknowledged_on": date(2026, 11, 10)},
            {"allocation_id": None, "child_id": "C04", "identified_on": date(2026, 11, 12),
             "told_staff_id": "S6", "told_on": date(2026, 11, 12), "recorded_by": "t",
             "recorded_at": utcnow(), "acknowledged_by": None, "acknowledged_on": None},
        ])
        conn.execute(s.actions.insert(), [
            {"allocation_id": "2026-11-001", "child_id": "C01", "description": "review plan",
             "owner_id": "W1", "due_date": date(2026, 11, 10), "created_on": date(2026, 11, 3),
             "completed_on": None, "signed_off_on": None, "signed_off_by": None},
            {"allocation_id": "2026-11-001", "child_id": "C01", "description": "done one",
             "owner_id": "W1", "due_date": date(2026, 11, 10), "created_on": date(2026, 11, 3),
             "completed_on": date(2026, 11, 9), "signed_off_on": date(2026, 11, 9),
             "signed_off_by": "S6"},
        ])
    status = _status(store_url, date(2026, 11, 13))
    escalations = {e["child_id"]: e for e in status["escalations"]}
    assert escalations["C01"]["late"] is True and escalations["C01"]["acknowledged"] is True
    assert escalations["C04"]["acknowledged"] is False and escalations["C04"]["late"] is False
    assert [a["state"] for a in status["actions"]] == ["overdue"]
    assert status["attention"] == {"late_audits": 0, "overdue_actions": 1,
                                   "unacknowledged_escalations": 1}
    json.dumps(status)  # plain data all the way down


def test_csv_and_xlsx_exports_are_mail_merge_ready(sqlite_url: str) -> None:
    seed_month(sqlite_url)
    with open_store(sqlite_url, create=False) as store, store.transaction() as conn:
        conn.execute(s.allocations.update().where(
            s.allocations.c.allocation_id == "2026-11-002").values(auditor_name="=HYPERLINK(1)"))
    status = _status(sqlite_url, date(2026, 11, 17))
    rows = list(csv.DictReader(io.StringIO(status_csv(status))))
    assert [r["allocation_id"] for r in rows] == ["2026-11-001", "2026-11-002", "2026-11-003"]
    assert rows[0]["auditor_email"] == "s2@example.gg" and rows[0]["due_date"] == "2026-11-19"
    assert rows[1]["auditor_name"] == "'=HYPERLINK(1)"
    wb = load_workbook(io.BytesIO(status_xlsx(status)))
    assert wb.sheetnames == ["Allocations", "Non-compliance", "Escalations", "Actions", "Checks"]
    sheet = wb["Allocations"]
    assert sheet["A1"].value == "allocation_id" and sheet["A4"].value == "2026-11-003"
    assert sheet["E3"].value == "'=HYPERLINK(1)"
    # Readable as opened: no id, e-mail or date cut short by a default-width column.
    for ws in wb:
        assert ws.cell(1, 1).font.b, ws.title
        for column in ws.iter_cols():
            longest = max(len(str(c.value)) for c in column if c.value is not None)
            width = ws.column_dimensions[column[0].column_letter].width
            assert width >= min(longest, 58), (ws.title, column[0].value)


def test_cli_fail_on_overdue_and_missing_store(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    runner = CliRunner()
    missing = runner.invoke(app, ["audits", "status", "--db", url, "--month", MONTH])
    assert isinstance(missing.exception, UserError)  # main.run prints it and exits 2
    assert "cfcs-qa sample" in missing.exception.message
    assert not (tmp_path / "store.db").exists()
    seed_month(url)
    base = ["audits", "status", "--db", url, "--month", MONTH, "--format", "json"]
    ok = runner.invoke(app, [*base, "--as-of", "2026-11-17", "--fail-on-overdue"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["attention"]["late_audits"] == 0
    late = runner.invoke(app, [*base, "--as-of", "2026-11-23", "--fail-on-overdue"])
    assert late.exit_code == 1
    table = runner.invoke(app, ["audits", "status", "--db", url, "--month", MONTH,
                                "--as-of", "2026-11-23", "--format", "table"])
    assert table.exit_code == 0 and "2026-11-003" in table.stdout and "late" in table.stdout
    out = tmp_path / "status.xlsx"
    xlsx = runner.invoke(app, [*base[:-1], "xlsx", "--output", str(out), "--as-of",
                               "2026-11-17"])
    assert xlsx.exit_code == 0 and (out.stat().st_mode & 0o077) == 0
