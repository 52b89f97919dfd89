"""Every finding code of data-contract.md: level, row, column, value, and what it does to
the row (errors reject, warnings keep)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cfcs_qa.errors import DataError

from .conftest import codes


def only(result, code):  # type: ignore[no-untyped-def]
    return [f for f in result.findings if f.code == code]


def test_missing_value(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"contacts.csv": "contact_id,child_id,received_date\nK1,,01/01/2026\n"})
    (f,) = only(r, "missing-value")
    assert (f.level, f.row, f.column, f.value) == ("error", 2, "child_id", None)
    assert r.reports["contacts"].rows_rejected == 1


def test_invalid_boolean_number_and_unknown_code(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({
        "visits.csv": "visit_id,child_id,visit_date,visit_type,seen,seen_alone\n"
                      "V1,C1,01/01/2026,CP,yes,N\nV2,C1,01/01/2026,home,maybe,1\n",
        "population.csv": "year,population_0_17\n2025,\"11,512\"\n2026,11512.0\n2027,12.5\n",
    })
    assert [(f.code, f.row, f.column, f.value) for f in r.findings if f.level == "error"] == [
        ("invalid-number", 4, "population_0_17", "12.5"),
        ("invalid-boolean", 3, "seen", "maybe"),
        ("unknown-code", 3, "visit_type", "home"),
    ]
    assert list(r.get("population")["population_0_17"]) == [11512, 11512]
    assert str(r.get("population")["year"].dtype) == "Int64"
    visits = r.get("visits")
    assert list(visits["visit_type"]) == ["cp"]
    assert visits["seen"].dtype == "boolean" and bool(visits["seen"].iloc[0]) is True


def test_duplicate_key_second_and_later(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"contacts.csv": "contact_id,child_id,received_date\n"
                 "K1,C1,01/01/2026\nK2,C1,01/01/2026\nK1,C2,02/01/2026\nK1,C2,03/01/2026\n"})
    dups = only(r, "duplicate-key")
    assert [(f.row, f.value, f.message) for f in dups] == [
        (4, "K1", "contact_id K1 repeats row 2"), (5, "K1", "contact_id K1 repeats row 2"),
    ]
    assert list(r.get("contacts")["contact_id"]) == ["K1", "K2"]


def test_composite_key_compares_parsed_dates(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"allocations.csv": "child_id,team,start_date\n"
                 "C1,A,2026-01-05\nC1,A,05/01/2026\nC1,A,06/01/2026\n"})
    (f,) = only(r, "duplicate-key")
    assert (f.row, f.column, f.value) == (3, "child_id+start_date", "C1 / 05/01/2026")


def test_end_before_start_pairs(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({
        "s47_enquiries.csv": "enquiry_id,child_id,strategy_date,start_date,end_date\n"
                             "E1,C1,10/01/2026,09/01/2026,\nE2,C1,10/01/2026,11/01/2026,"
                             "10/01/2026\nE3,C1,10/01/2026,10/01/2026,10/01/2026\n",
        "missing_episodes.csv": "episode_id,child_id,start_date,return_date,"
                                "return_interview_date\nM1,C1,05/01/2026,06/01/2026,"
                                "05/01/2026\n",
    })
    found = [(f.table, f.row, f.column, f.message) for f in only(r, "end-before-start")]
    assert found == [
        ("missing_episodes", 2, "return_interview_date",
         "return_interview_date 05/01/2026 is before return_date 06/01/2026"),
        ("s47_enquiries", 2, "start_date", "start_date 09/01/2026 is before strategy_date "
         "10/01/2026"),
        ("s47_enquiries", 3, "end_date", "end_date 10/01/2026 is before start_date 11/01/2026"),
    ]
    assert list(r.get("s47_enquiries")["enquiry_id"]) == ["E3"]


def test_future_dates(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"cp_plans.csv": "plan_id,child_id,start_date,end_date\n"
                 "P1,C1,27/11/2026,\nP2,C1,01/01/2026,27/11/2026\nP3,C1,26/11/2026,26/11/2026\n"},
                as_of=dt.date(2026, 11, 26))
    found = [(f.level, f.row, f.column) for f in only(r, "future-date")]
    assert found == [("error", 2, "start_date"), ("warning", 3, "end_date")]
    plans = r.get("cp_plans")
    assert list(plans["plan_id"]) == ["P2", "P3"]
    assert pd.isna(plans["end_date"].iloc[0])  # a future end is read as blank: still open
    assert plans["end_date"].iloc[1] == pd.Timestamp("2026-11-26")


def test_malformed_row_value_is_never_the_line(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"contacts.csv": "contact_id,child_id,received_date\n"
                 "K1,C1,01/01/2026,Secret Words\nK2,C1\n"})
    assert [(f.row, f.value) for f in only(r, "malformed-row")] == [
        (2, "4 fields, expected 3"), (3, "2 fields, expected 3"),
    ]
    assert "Secret" not in repr(r.findings)
    rep = r.reports["contacts"]
    assert (rep.rows_read, rep.rows_accepted, rep.rows_rejected) == (2, 0, 2)


def test_orphans(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({
        "cin_plans.csv": "plan_id,child_id,start_date\nP1,C1,01/01/2026\n",
        "cin_reviews.csv": "review_id,plan_id,child_id,review_date\n"
                           "R1,P1,C1,02/01/2026\nR2,P9,C7,02/01/2026\n",
        "s47_enquiries.csv": "enquiry_id,child_id,strategy_date\nE1,C1,01/01/2026\n",
        "cp_conferences.csv": "conference_id,child_id,conference_type,conference_date,"
                              "enquiry_id\nF1,C1,initial,05/01/2026,E2\nF2,C1,initial,"
                              "05/01/2026,\n",
        "staff.csv": "staff_id,role,team\nW1,social_worker,A\n",
        "allocations.csv": "child_id,team,worker_id,start_date\nC1,A,W2,01/01/2026\n",
    })
    found = [(f.code, f.table, f.row, f.column, f.value)
             for f in r.findings if f.code.startswith("orphan")]
    assert found == [
        ("orphan-reference", "allocations", 2, "worker_id", "W2"),
        ("orphan-child", "cin_reviews", 3, "child_id", "C7"),
        ("orphan-reference", "cin_reviews", 3, "plan_id", "P9"),
        ("orphan-reference", "cp_conferences", 2, "enquiry_id", "E2"),
    ]
    assert all(f.level == "warning" for f in r.findings)
    assert len(r.get("cin_reviews")) == 2  # warnings keep the row


def test_overlapping_allocation(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"allocations.csv": "child_id,team,start_date,end_date\n"
                 "C1,A,01/01/2026,01/03/2026\nC1,B,01/03/2026,\n"   # same-day handover: fine
                 "C1,A,01/06/2026,\n"                               # B still open
                 "C2,A,01/01/2026,\nC2,A,01/02/2026,01/02/2026\n"})
    found = [(f.row, f.value, f.message) for f in only(r, "overlapping-allocation")]
    assert found == [
        (4, "2026-06-01", "allocation starting 2026-06-01 begins while the allocation on row 3 "
         "is still open"),
        (6, "2026-02-01", "allocation starting 2026-02-01 begins while the allocation on row 5 "
         "is still open"),
    ]


def test_before_birth_is_a_warning(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"referrals.csv": "referral_id,child_id,referral_date\n"
                 "F1,C1,01/01/2009\nF2,C1,01/01/2020\nF3,C9,01/01/2000\n"})
    (f,) = only(r, "before-birth")
    assert (f.level, f.row, f.column, f.value) == ("warning", 2, "referral_date", "2009-01-01")
    assert len(r.get("referrals")) == 3


def test_unknown_team(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"staff.csv": "staff_id,role,team\nW1,iro,team a\nW2,iro,Team B\nW3,csm,\n",
                 "allocations.csv": "child_id,team,start_date\nC1,Team A,01/01/2026\n"})
    assert [(f.row, f.value) for f in only(r, "unknown-team")] == [(3, "Team B")]


def test_empty_file_and_unknown_column(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"contacts.csv": "", "referrals.csv": "  \r\n\r\n",
                 "visits.csv": "visit_id,child_id,visit_date,visit_type,Notes Field\n"})
    assert codes(r) == [("empty-file", None, None), ("empty-file", None, None),
                        ("unknown-column", 1, "Notes Field")]
    assert not r.has("contacts") and not r.reports["contacts"].present
    assert r.has("visits") and r.reports["visits"].columns_dropped == ["Notes Field"]


def test_missing_column_makes_the_table_unusable(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"contacts.csv": "contact_id,received_date\nK1,01/01/2026\nK2,02/01/2026\n"})
    (f,) = only(r, "missing-column")
    assert (f.level, f.row, f.column) == ("error", 1, "child_id")
    rep = r.reports["contacts"]
    assert (rep.rows_read, rep.rows_accepted, rep.rows_rejected) == (2, 0, 2)
    assert not r.has("contacts")


def test_optional_columns_absent_are_typed_and_missing(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"contacts.csv": "contact_id,child_id,received_date\nK1,C1,01/01/2026\n"})
    frame = r.get("contacts")
    assert list(frame.columns) == ["contact_id", "child_id", "received_date", "completed_date",
                                   "outcome", "_row", "_c"]
    assert frame["completed_date"].dtype == "datetime64[us]"
    assert frame["completed_date"].isna().all()
    assert frame["outcome"].dtype == "str"


def test_unreadable_file_names_it(extract, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match=r"contacts\.csv is not a CSV file"):
        extract({"contacts.csv": b"PK\x03\x04\x00\x00binary"})


def test_missing_children_table(extract) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match="has no children table"):
        extract({"contacts.csv": "contact_id\n"}, with_children=False)
    with pytest.raises(DataError, match="children.csv is empty"):
        extract({"children.csv": ""})
    with pytest.raises(DataError, match="no child_id column"):
        extract({"children.csv": "id,date_of_birth\nC1,01/01/2010\n"})


def test_values_read_as_the_contract_says(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({
        "children.csv": "child_id,gender,disability,family_id\n"
                        "000123,FEMALE,Yes,123.0\n123,Male,0,F1\n 77 ,unknown,,\n",
        "cic_reviews.csv": "review_id,child_id,review_date,participation\nR1,123,01/01/2026,pn7\n",
        "complaints.csv": "complaint_id,received_date,outcome\nX1,01/01/2026,Partly Upheld\n",
    })
    kids = r.get("children")
    assert list(kids["child_id"]) == ["000123", "123", "77"]
    assert list(kids["family_id"].fillna("-")) == ["123", "F1", "-"]
    assert list(kids["gender"]) == ["female", "male", "unknown"]
    assert list(kids["disability"].astype(object).fillna("?")) == [True, False, "?"]
    assert list(r.get("cic_reviews")["participation"]) == ["PN7"]
    assert list(r.get("complaints")["outcome"]) == ["partly_upheld"]


def test_second_column_with_the_same_meaning_is_dropped(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"contacts.csv": "contact_id,child_id,received_date,Child ID\n"
                                 "K1,C1,01/01/2026,C2\n"})
    (f,) = only(r, "unknown-column")
    assert (f.row, f.column) == (1, "child_id")
    assert list(r.get("contacts")["child_id"]) == ["C1"]
    assert r.reports["contacts"].columns_dropped == ["child_id"]


def test_workbook_in_a_folder_is_pointed_out(extract) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match="holds 'extract.xlsx'"):
        extract({"extract.xlsx": b"PK"}, with_children=False)


def test_every_table_header_only_gives_typed_empty_frames(extract) -> None:  # type: ignore[no-untyped-def]
    from cfcs_qa.contract import TABLES

    files = {f"{name}.csv": ",".join(t.column_names) + "\n" for name, t in TABLES.items()}
    r = extract(files)
    assert r.findings == []
    expected = {"date": "datetime64[us]", "bool": "boolean", "int": "Int64"}
    for name, table in TABLES.items():
        frame = r.get(name)
        coded = ["_c"] if "child_id" in table.column_names else []
        assert len(frame) == 0 and list(frame.columns) == [*table.column_names, "_row", *coded]
        for column in table.columns:
            assert str(frame[column.name].dtype) == expected.get(column.type, "str"), column


def test_every_table_one_good_row(extract) -> None:  # type: ignore[no-untyped-def]
    from cfcs_qa.contract import TABLES

    sample = {"date": "01/01/2026", "bool": "Y", "int": "2026", "key": "C1", "text": "A"}
    files = {}
    for name, t in TABLES.items():
        cells = [c.values[0] if c.values else sample[c.type] for c in t.columns]
        if name == "children":
            cells = ["C1" if c.name == "child_id" else "" for c in t.columns]
        files[f"{name}.csv"] = ",".join(t.column_names) + "\n" + ",".join(cells) + "\n"
    r = extract(files)
    assert [f for f in r.findings if f.level == "error"] == []
    assert all(len(r.get(name)) == 1 for name in TABLES)
