"""The site maps of cfcs-qa.yaml: tables, header_rows, columns, values, teams."""

from __future__ import annotations

import pytest

from cfcs_qa.config import parse_settings
from cfcs_qa.errors import ConfigError

from .conftest import codes


def settings(text: str):  # type: ignore[no-untyped-def]
    return parse_settings(text, "cfcs-qa.yaml")


def test_tables_and_header_rows(extract) -> None:  # type: ignore[no-untyped-def]
    site = settings('tables:\n  contacts: "MASH Contacts Report.csv"\n'
                    "header_rows:\n  contacts: 3\n")
    body = ("MASH contacts,,\nRun 26/11/2026,,\n,,\n"
            "contact_id,child_id,received_date\nK1,C1,01/01/2026\nK2,C1,bad\n")
    r = extract({"MASH Contacts Report.csv": body}, settings=site)
    assert r.reports["contacts"].source == "MASH Contacts Report.csv"
    assert codes(r, "contacts") == [("invalid-date", 6, "received_date")]
    assert list(r.get("contacts")["_row"]) == [5]


def test_tables_map_matches_like_a_header(extract) -> None:  # type: ignore[no-untyped-def]
    site = settings('tables:\n  contacts: "mash contacts report"\n')
    r = extract({"MASH Contacts Report.csv": "contact_id,child_id,received_date\n"}, settings=site)
    assert r.has("contacts")


def test_columns_map(extract) -> None:  # type: ignore[no-untyped-def]
    site = settings('columns:\n  contacts:\n    contact_id: "Contact ID"\n'
                    '    received_date: "Date Contact Received"\n')
    r = extract({"contacts.csv": "contact id,child_id,DATE CONTACT RECEIVED\nK1,C1,01/01/2026\n"},
                settings=site)
    assert r.findings == []
    assert list(r.get("contacts")["received_date"].dt.day) == [1]


def test_values_map_case_insensitive_and_booleans(extract) -> None:  # type: ignore[no-untyped-def]
    site = settings(
        "values:\n  contacts:\n    outcome: {\"Progress to Referral\": referral, NFA: nfa}\n"
        "  visits:\n    seen: {\"Seen\": Y, \"Not seen\": N, \"Unknown\": \"\"}\n"
    )
    r = extract({
        "contacts.csv": "contact_id,child_id,received_date,outcome\n"
                        "K1,C1,01/01/2026,progress to referral\nK2,C1,01/01/2026,nfa\n",
        "visits.csv": "visit_id,child_id,visit_date,visit_type,seen\n"
                      "V1,C1,01/01/2026,cp,SEEN\nV2,C1,01/01/2026,cp,not seen\n"
                      "V3,C1,01/01/2026,cp,unknown\nV4,C1,01/01/2026,cp,yes\n",
    }, settings=site)
    assert r.findings == []
    assert list(r.get("contacts")["outcome"]) == ["referral", "nfa"]
    assert list(r.get("visits")["seen"].astype(object).fillna("?")) == [True, False, "?", True]


def test_yaml_booleans_in_value_maps(extract) -> None:  # type: ignore[no-untyped-def]
    site = settings("values:\n  visits:\n    seen: {Seen: yes, Absent: no}\n")
    r = extract({"visits.csv": "visit_id,child_id,visit_date,visit_type,seen\n"
                               "V1,C1,01/01/2026,cp,seen\nV2,C1,01/01/2026,cp,ABSENT\n"},
                settings=site)
    assert list(r.get("visits")["seen"]) == [True, False]


def test_teams_map_and_one_spelling(extract) -> None:  # type: ignore[no-untyped-def]
    site = settings('teams:\n  "CP Team": "Child Protection"\n')
    r = extract({
        "allocations.csv": "child_id,team,start_date\nC1,cp team,01/01/2026\n"
                           "C2, Assessment ,01/01/2026\nC2,ASSESSMENT,01/02/2026\n"
                           "C1,assessment,01/03/2026\n",
        "staff.csv": "staff_id,role,team\nW1,iro,CHILD PROTECTION\nW2,iro,Assessment\n",
        "complaints.csv": "complaint_id,received_date,team\nX1,01/01/2026,Cp Team\n",
    }, settings=site)
    assert [c for c, _, _ in codes(r) if c == "unknown-team"] == []
    assert list(r.get("allocations")["team"]) == ["Child Protection", "Assessment",
                                                  "Assessment", "Assessment"]
    assert list(r.get("staff")["team"]) == ["Child Protection", "Assessment"]
    assert list(r.get("complaints")["team"]) == ["Child Protection"]


@pytest.mark.parametrize(("text", "problem"), [
    ("tables:\n  contact: x.csv\n", "tables.contact: no such table"),
    ("columns:\n  contacts:\n    recieved_date: Received\n", "contacts has no column"),
    ("values:\n  contacts:\n    result: {a: b}\n", "contacts has no column result"),
    ("columns:\n  children:\n    child_id: Forename\n", "looks like a person's name"),
])
def test_maps_naming_unknown_things_are_refused(extract, text, problem) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=problem):
        extract({}, settings=settings(text))


def test_staff_display_name_may_map_to_a_name_header(extract) -> None:  # type: ignore[no-untyped-def]
    site = settings("columns:\n  staff:\n    display_name: Name\n")
    r = extract({"staff.csv": "staff_id,role,name\nW1,iro,Jo Bloggs\n"}, settings=site)
    assert list(r.get("staff")["display_name"]) == ["Jo Bloggs"]
