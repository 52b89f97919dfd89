"""Cycle dates: Day 1, the due date rule (also in months with holidays and site closures),
PIM and governance dates, and the calendar command's json and ics output."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cfcs_qa.audit.cycle_dates import cycle_dates, next_cycle_month, working_days_to
from cfcs_qa.audit.ics import cycle_ics
from cfcs_qa.calendar import make_calendar
from cfcs_qa.cli.main import app

CAL = make_calendar()


def test_november_2026_is_the_documented_example() -> None:
    d = cycle_dates(CAL, 2026, 11)
    assert d.day1 == date(2026, 11, 2)
    assert d.due_date == date(2026, 11, 19)  # Thursday 19th
    assert d.pim_report_date == date(2026, 12, 7)  # 5th working day of December
    assert (d.governance_week_start, d.governance_week_end) == (date(2026, 12, 7),
                                                                 date(2026, 12, 11))
    assert d.working_days == 21 and d.holidays == ()


def test_due_date_counts_past_christmas_and_boxing_day_substitute() -> None:
    d = cycle_dates(CAL, 2026, 12)
    # last working day Thu 31; back 7 working days skipping Mon 28 and Fri 25 -> Fri 18
    assert d.due_date == date(2026, 12, 18)
    assert [n for _, n in d.holidays] == ["Christmas Day", "Boxing Day (substitute day)"]
    # January 2027: 1st is a holiday (Friday), Day 1 is Monday 4th; week 2 is 11-15 Jan
    assert d.pim_report_date == date(2027, 1, 8)
    assert d.governance_week_start == date(2027, 1, 11)


def test_one_off_holiday_and_site_closures_move_the_dates() -> None:
    july = cycle_dates(CAL, 2024, 7)
    assert (date(2024, 7, 16), "The visit of His Majesty King Charles III and Queen Camilla") \
        in [(d, n) for d, n in july.holidays]
    cal = make_calendar(closures=[date(2026, 11, 2), date(2026, 11, 27)])
    d = cycle_dates(cal, 2026, 11)
    assert d.day1 == date(2026, 11, 3)
    assert d.due_date == date(2026, 11, 18)  # Fri 27 closed: one more step back
    assert [n for _, n in d.holidays] == ["site closure", "site closure"]


def test_may_2027_day1_after_may_day_and_setting_changes_due() -> None:
    class Audit:
        due_working_days_before_last = 5
        pim_working_day = 3
        governance_week = 3

    d = cycle_dates(CAL, 2027, 5, Audit())
    assert d.day1 == date(2027, 5, 4)  # Mon 3 May is May Day
    assert d.due_date == date(2027, 5, 21)  # last working day Fri 28 (31st Spring bank)
    assert d.pim_report_date == date(2027, 6, 3)
    assert d.governance_week_start == date(2027, 6, 14)


@settings(max_examples=60, deadline=None)
@given(st.integers(2020, 2040), st.integers(1, 12))
def test_due_date_leaves_exactly_n_working_days(year: int, month: int) -> None:
    d = cycle_dates(CAL, year, month)
    assert CAL.wd(d.due_date, d.last_working_day) == 7
    assert CAL.is_working_day(d.due_date) and d.due_date.month == month
    assert d.day1 <= d.due_date
    assert d.governance_week_start.weekday() == 0
    assert d.pim_report_date <= d.governance_week_end


def test_default_month_is_the_next_day1_on_or_after_the_extract() -> None:
    assert next_cycle_month(CAL, date(2026, 11, 2)) == (2026, 11)  # Day 1 itself
    assert next_cycle_month(CAL, date(2026, 11, 1)) == (2026, 11)
    assert next_cycle_month(CAL, date(2026, 11, 3)) == (2026, 12)
    assert next_cycle_month(CAL, date(2026, 12, 31)) == (2027, 1)


def test_working_days_to_signs() -> None:
    assert working_days_to(CAL, date(2026, 11, 17), date(2026, 11, 19)) == 2
    assert working_days_to(CAL, date(2026, 11, 19), date(2026, 11, 19)) == 0
    assert working_days_to(CAL, date(2026, 11, 23), date(2026, 11, 19)) == -2


def test_ics_is_valid_rfc5545_with_stable_uids() -> None:
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    text = cycle_ics(cycle_dates(CAL, 2026, 12), now)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")[:-1]
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert all(len(line.encode()) <= 75 for line in lines)
    assert text.count("BEGIN:VEVENT") == text.count("END:VEVENT") == 4
    uids = [line for line in lines if line.startswith("UID:")]
    assert uids == ["UID:2026-12-day1@cfcs-qa", "UID:2026-12-due@cfcs-qa",
                    "UID:2026-12-pim@cfcs-qa", "UID:2026-12-governance@cfcs-qa"]
    assert "DTSTART;VALUE=DATE:20261218" in lines and "DTSTAMP:20261126T090000Z" in lines
    assert "DTEND;VALUE=DATE:20270116" in lines  # governance week ends Fri 15 (exclusive)
    later = cycle_ics(cycle_dates(CAL, 2026, 12), datetime(2027, 1, 1, tzinfo=UTC))
    assert [x for x in later.split("\r\n") if x.startswith("UID:")] == uids


def test_calendar_command_json_uses_config_closures(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cfcs-qa.yaml").write_text("calendar:\n  closures: [2026-11-27]\n")
    result = CliRunner().invoke(app, ["calendar", "--month", "2026-11", "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["due_date"] == "2026-11-18"
    assert out["holidays"] == [{"date": "2026-11-27", "name": "site closure"}]
    result = CliRunner().invoke(app, ["calendar", "--as-of", "2026-11-03", "--format", "json"])
    assert json.loads(result.stdout)["month"] == "2026-12"


def test_calendar_command_table_and_bad_month(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["calendar", "--month", "2026-11", "--format", "table"])
    assert "Thu 19 Nov 2026" in result.stdout
    bad = CliRunner().invoke(app, ["calendar", "--month", "Nov"])
    assert bad.exit_code != 0
