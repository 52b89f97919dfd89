"""Parsing what auditors type: never an exception, dates round-trip, spellings map."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.sampling import toolkit_values as tv

GRADES = ("Outstanding", "Good", "Requires improvement to be good", "Inadequate")
anything = st.one_of(st.none(), st.text(max_size=40), st.integers(-10**6, 10**7),
                     st.floats(allow_nan=True), st.booleans(), st.dates(), st.datetimes())


@settings(deadline=None)
@given(anything)
def test_parsers_never_raise(value: object) -> None:
    for parse in (tv.real_date, tv.score, tv.yes_no, tv.meeting_format, tv.method,
                  lambda v: tv.grade(v, GRADES), lambda v: tv.judgement(v, ("Yes", "No"))):
        parsed, why = parse(value)
        assert parsed is None or why is None
        assert why is None or isinstance(why, str)


@settings(deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_dates_round_trip(day: date) -> None:
    for typed in (day, datetime(day.year, day.month, day.day), day.strftime("%d/%m/%Y"),
                  day.isoformat()):
        assert tv.real_date(typed) == (day, None)


def test_not_real_dates() -> None:
    for typed in ("31/02/2026", "next week", "2026-13-01", "1/1/1900", "19.11"):
        parsed, why = tv.real_date(typed)
        assert parsed is None and why and "not a real date" in why


def test_free_text_is_not_echoed() -> None:
    long = "The child told me about her stepfather at the home visit on Monday"
    _, why = tv.grade(long, GRADES)
    assert why is not None and "stepfather" not in why and "the value typed" in why
