"""Encodings, header matching, row numbers as a person sees them."""

from __future__ import annotations

from .conftest import codes

HEADER = "contact_id,child_id,received_date,outcome\n"


def test_utf8_with_and_without_bom_and_windows_1252(extract) -> None:  # type: ignore[no-untyped-def]
    text = "child_id,ethnicity\nC1,Portuguese – Madeiran\nC2,Français\n"
    for raw in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"),
                text.encode("cp1252")):
        r = extract({"children.csv": raw})
        assert list(r.get("children")["ethnicity"]) == ["Portuguese – Madeiran", "Français"]
        assert list(r.get("children")["child_id"]) == ["C1", "C2"]  # BOM not in the header
        assert r.findings == []


def test_crlf_line_endings(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"contacts.csv": (HEADER + "K1,C1,01/01/2026,nfa\nK2,C1,bad,nfa\n")
                 .replace("\n", "\r\n")})
    assert codes(r, "contacts") == [("invalid-date", 3, "received_date")]
    assert list(r.get("contacts")["outcome"]) == ["nfa"]


def test_header_matching(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"Contacts.CSV": " Contact ID ,CHILD-ID,Received  Date\nK1,C1,01/01/2026\n"})
    assert r.findings == []
    assert list(r.get("contacts")["contact_id"]) == ["K1"]


def test_rows_count_quoted_line_breaks_and_blank_lines(extract) -> None:  # type: ignore[no-untyped-def]
    body = (
        HEADER
        + 'K1,C1,01/01/2026,"nfa"\n'          # line 2
        + '"K\n2",C1,01/01/2026,bad\n'        # lines 3-4
        + "\n"                                 # line 5: blank, not a record
        + "K3,C1,32/01/2026,nfa\n"             # line 6
        + '"K4","C1","01/01/2026","a ""quoted"" word\nover two lines"\n'  # lines 7-8
        + "K5,C1,x,nfa\n"                      # line 9
        + ",,,\n"                              # line 10: no values, not a record
        + "K6,C1,01/01/2026\n"                 # line 11: malformed
    )
    r = extract({"contacts.csv": body})
    assert codes(r, "contacts") == [
        ("unknown-code", 3, "outcome"), ("invalid-date", 6, "received_date"),
        ("unknown-code", 7, "outcome"), ("invalid-date", 9, "received_date"),
        ("malformed-row", 11, None),
    ]
    rep = r.reports["contacts"]
    assert (rep.rows_read, rep.rows_accepted, rep.rows_rejected) == (6, 1, 5)
    assert list(r.get("contacts")["_row"]) == [2]


def test_stray_quote_falls_back_to_exact_reading(extract) -> None:  # type: ignore[no-untyped-def]
    body = HEADER + 'K1,C1,01/01/2026,nfa\nK2,C1,bad,O"Brien\nK3,C1,bad,nfa\n'
    r = extract({"contacts.csv": body})
    assert [(c, row) for c, row, _ in codes(r, "contacts")] == [
        ("unknown-code", 3), ("invalid-date", 3), ("invalid-date", 4),
    ]


def test_spaces_are_trimmed_and_blank_is_missing(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"contacts.csv": HEADER + "  K1 , C1 , 01/01/2026 , NFA \nK2,   ,01/01/2026,\n"})
    assert codes(r, "contacts") == [("missing-value", 3, "child_id")]
    frame = r.get("contacts")
    assert (frame["contact_id"].iloc[0], frame["child_id"].iloc[0]) == ("K1", "C1")
    assert frame["outcome"].iloc[0] == "nfa"


def test_blank_lines_without_quotes(extract) -> None:  # type: ignore[no-untyped-def]
    body = ("\r\n" + HEADER.replace("\n", "\r\n") + "K1,C1,01/01/2026,nfa\r\n\r\n\r\n"
            "K2,C1,bad,nfa\r\n   \r\nK3,C1\r\n\r\n")
    r = extract({"contacts.csv": body})
    assert codes(r, "contacts") == [("invalid-date", 6, "received_date"),
                                    ("malformed-row", 8, None)]
    assert list(r.get("contacts")["_row"]) == [3]
    assert r.reports["contacts"].rows_read == 3


def test_old_mac_line_endings(extract) -> None:  # type: ignore[no-untyped-def]
    r = extract({"contacts.csv": (HEADER + "K1,C1,01/01/2026,nfa\nK2,C1,bad,nfa\n")
                 .replace("\n", "\r")})
    assert codes(r, "contacts") == [("invalid-date", 3, "received_date")]


def test_semicolons_are_pointed_out(extract) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from cfcs_qa.errors import DataError

    with pytest.raises(DataError, match="seems to use ';'"):
        extract({"children.csv": "child_id;date_of_birth\nC1;01/01/2010\n"})


def test_quoted_line_break_in_header_and_stray_quote(extract) -> None:  # type: ignore[no-untyped-def]
    body = ('contact_id,child_id,"received\ndate",outcome\n'   # header on lines 1-2
            'K1,C1,bad,nfa\nK2,C1,bad,O"Brien\n')               # lines 3 and 4
    r = extract({"contacts.csv": body})
    assert [(c, row) for c, row, _ in codes(r, "contacts")] == [
        ("invalid-date", 3), ("unknown-code", 4), ("invalid-date", 4),
    ]
