"""Every date form the contract lists is read; everything else is invalid-date, never guessed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfcs_qa.ingest.parsers import parse_date

from .conftest import codes

ACCEPTED = {
    "2026-10-31": dt.date(2026, 10, 31),
    "31/10/2026": dt.date(2026, 10, 31),
    "1/9/2026": dt.date(2026, 9, 1),
    "01/09/2026": dt.date(2026, 9, 1),
    "2026-10-31 14:05": dt.date(2026, 10, 31),
    "2026-10-31T14:05": dt.date(2026, 10, 31),
    "2026-10-31 14:05:59": dt.date(2026, 10, 31),
    "31/10/2026 14:05": dt.date(2026, 10, 31),
    "31/10/2026 00:00:00": dt.date(2026, 10, 31),
    "29/02/2024": dt.date(2024, 2, 29),
}
REFUSED = {
    "31/10/26": "two-digit year",
    "1/9/26": "two-digit year",
    "10/31/2026": "there is no month 31",
    "31/02/2026": "day 31 of February",
    "29/02/2026": "day 29 of February 2026",
    "46326": "a bare number",
    "46326.5": "a bare number",
    "2026/10/31": "write 31/10/2026",
    "31 Oct 2026": "write 31/10/2026",
    "31-10-2026": "write 31/10/2026",
    "2026-13-01": "there is no month 13",
    "31/10/2026 25:00": "not a time of day",
}


@pytest.mark.parametrize(("text", "expected"), ACCEPTED.items())
def test_accepted_forms(text: str, expected: dt.date) -> None:
    assert parse_date(text) == (expected, None)


@pytest.mark.parametrize(("text", "reason"), REFUSED.items())
def test_refused_forms(text: str, reason: str) -> None:
    value, why = parse_date(text)
    assert value is None
    assert why is not None and reason in why


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_uk_and_iso_round_trip(day: dt.date) -> None:
    assert parse_date(day.isoformat())[0] == day
    assert parse_date(f"{day.day}/{day.month}/{day.year}")[0] == day
    assert parse_date(day.strftime("%d/%m/%Y 13:45"))[0] == day


def test_dates_through_the_loader(extract) -> None:  # type: ignore[no-untyped-def]
    lines = ["contact_id,child_id,received_date"]
    lines += [f"A{i},C1,{text}" for i, text in enumerate(ACCEPTED)]
    lines += [f"R{i},C1,{text}" for i, text in enumerate(REFUSED)]
    result = extract({"contacts.csv": "\n".join(lines) + "\n"})
    frame = result.get("contacts")
    assert list(frame["contact_id"]) == [f"A{i}" for i in range(len(ACCEPTED))]
    assert list(frame["received_date"].dt.date) == list(ACCEPTED.values())
    assert frame["received_date"].dtype == "datetime64[us]"
    assert (frame["received_date"] == frame["received_date"].dt.normalize()).all()
    refused = [f for f in result.findings if f.code == "invalid-date"]
    assert [f.value for f in refused] == list(REFUSED)
    first_refused_row = 2 + len(ACCEPTED)
    assert [f.row for f in refused] == list(range(first_refused_row,
                                                  first_refused_row + len(REFUSED)))
    assert all(f.level == "error" and f.column == "received_date" for f in refused)
    assert result.reports["contacts"].rows_rejected == len(REFUSED)


def test_message_names_the_problem(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract({"contacts.csv": "contact_id,child_id,received_date\nK1,C1,31/02/2026\n"})
    (finding,) = [f for f in result.findings if f.code == "invalid-date"]
    assert finding.message == "31/02/2026 is not a date (day 31 of February)"
    assert ("invalid-date", 2, "received_date") in codes(result)


def test_blank_optional_date_is_missing_not_invalid(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract({"contacts.csv": "contact_id,child_id,received_date,completed_date\n"
                                      "K1,C1,01/01/2026,\n"})
    assert codes(result, "contacts") == []
    assert pd.isna(result.get("contacts")["completed_date"].iloc[0])
