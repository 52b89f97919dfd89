"""UTF-16 exports (Excel's "Unicode text", some MOSAIC reports) are read like UTF-8; a
tab-separated file is refused with a clear message; binary files still are."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfcs_qa.config import Settings
from cfcs_qa.errors import DataError
from cfcs_qa.ingest import Extract, load
from cfcs_qa.ingest.csv_reader import read_bytes, utf16_without_bom

from .conftest import AS_OF, CHILDREN, codes, write

Build = Callable[..., Extract]
CHILDREN_ACCENTS = "child_id,ethnicity\r\nC1,Portuguese – Madeiran\r\nC2,Français\r\n"
CONTACTS = (
    "contact_id,child_id,received_date,outcome\r\n"
    'K1,C1,01/01/2026,"nfa"\r\n'                      # line 2
    '"K\r\n2",C1,01/01/2026,bad\r\n'                  # lines 3-4
    "\r\n"                                            # line 5: blank
    "K3,C2,32/01/2026,nfa\r\n"                        # line 6
    "K4,C2,01/01/2026\r\n"                            # line 7: malformed
)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(extract: Build, encoding: str) -> None:
    bom = b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff"
    r = extract({"children.csv": bom + CHILDREN_ACCENTS.encode(encoding)})
    frame = r.get("children")
    assert list(frame["child_id"]) == ["C1", "C2"]  # the BOM is not in the header
    assert list(frame["ethnicity"]) == ["Portuguese – Madeiran", "Français"]
    assert r.findings == []


def test_utf16_loads_the_same_rows_as_its_utf8_twin(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"children.csv": CHILDREN, "contacts.csv": CONTACTS}
    twin = write(tmp_path / "utf8", files)
    utf16 = write(tmp_path / "utf16", {n: b"\xff\xfe" + str(t).encode("utf-16-le")
                                        for n, t in files.items()})
    a = load(twin, Settings(), AS_OF)
    b = load(utf16, Settings(), AS_OF)
    assert codes(a) == codes(b) == [
        ("unknown-code", 3, "outcome"), ("invalid-date", 6, "received_date"),
        ("malformed-row", 7, None),
    ]
    for table in ("children", "contacts"):
        assert a.get(table).equals(b.get(table)), table
        ra, rb = a.reports[table], b.reports[table]
        assert (ra.rows_read, ra.rows_accepted, ra.rows_rejected) == \
               (rb.rows_read, rb.rows_accepted, rb.rows_rejected)
    assert list(b.get("contacts")["_row"]) == [2]


def test_utf16_without_bom_only_when_unmistakable(extract: Build) -> None:
    r = extract({"children.csv": CHILDREN.encode("utf-16-le")})
    assert list(r.get("children")["child_id"]) == ["C1", "C2"]
    r = extract({"children.csv": CHILDREN.encode("utf-16-be")})
    assert list(r.get("children")["child_id"]) == ["C1", "C2"]
    # NULs here and there, not every second byte: still binary data
    mixed = CHILDREN.encode("utf-8").replace(b",", b"\x00,")
    with pytest.raises(DataError, match="binary data"):
        extract({"children.csv": mixed})


def test_renamed_workbook_is_still_binary_data(extract: Build, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["child_id", "date_of_birth"])
    ws.append(["C1", "01/02/2010"])
    book = tmp_path / "children.xlsx"
    wb.save(book)
    with pytest.raises(DataError, match="binary data.*Excel workbook renamed"):
        extract({"children.csv": book.read_bytes()})


def test_tab_separated_unicode_text_is_refused(extract: Build) -> None:
    tabbed = CHILDREN.replace(",", "\t").replace("\n", "\r\n")
    with pytest.raises(DataError, match="tab-separated.*CSV UTF-8 \\(Comma delimited\\)"):
        extract({"children.csv": b"\xff\xfe" + tabbed.encode("utf-16-le")})
    # an optional table too: refused, not read as one unknown column
    contacts = "contact_id\tchild_id\treceived_date\r\nK1\tC1\t01/01/2026\r\n"
    with pytest.raises(DataError, match="contacts.csv is tab-separated"):
        extract({"contacts.csv": contacts})
    # a tab inside one header cell of a comma-separated file is just text
    r = extract({"contacts.csv": "contact_id,child_id,received_date,free\ttext\n"
                                 "K1,C1,01/01/2026,x\n"})
    assert list(r.get("contacts")["contact_id"]) == ["K1"]
    assert r.reports["contacts"].columns_dropped == ["free\ttext"]


def test_invalid_utf16_is_a_clear_error(extract: Build) -> None:
    lone_surrogate = b"\xff\xfe" + "child_id\r\n".encode("utf-16-le") + b"\x00\xd8C\x00"
    with pytest.raises(DataError, match="not valid UTF-16"):
        extract({"children.csv": lone_surrogate})


_TEXT = st.text(st.characters(categories=("L", "M", "N", "P", "S", "Z", "Cc"),  # no BOM (Cf)
                              exclude_characters="\x00"), max_size=60)


@settings(max_examples=60, deadline=None)
@given(text=_TEXT, big_endian=st.booleans())
def test_read_bytes_of_utf16_equals_utf8(tmp_path_factory: pytest.TempPathFactory,
                                         text: str, big_endian: bool) -> None:
    folder = tmp_path_factory.mktemp("r")
    codec, bom = ("utf-16-be", b"\xfe\xff") if big_endian else ("utf-16-le", b"\xff\xfe")
    (folder / "a.csv").write_bytes(text.encode("utf-8"))
    (folder / "b.csv").write_bytes(bom + text.encode(codec))
    assert read_bytes(folder / "b.csv") == read_bytes(folder / "a.csv")


@given(text=st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=2))
def test_ascii_utf16_without_bom_is_recognised(text: str) -> None:
    assert utf16_without_bom(text.encode("utf-16-le")) == "utf-16-le"
    assert utf16_without_bom(text.encode("utf-16-be")) == "utf-16-be"
    assert utf16_without_bom(text.encode("utf-8")) is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64) | st.text(max_size=32).map(lambda t: t.encode("utf-8")))
def test_nul_and_ascii_are_the_bytes_own_answers(data: bytes) -> None:
    """The numpy scan that lets other threads run gives what ``in`` and ``isascii`` give."""
    from cfcs_qa.ingest.file_bytes import nul_and_ascii

    assert nul_and_ascii(data) == (b"\x00" in data, data.isascii())


def test_a_file_of_ascii_and_one_of_utf8_and_one_of_cp1252_read_the_same(tmp_path: Path) -> None:
    text = "child_id,team\nC1,Équipe\n"
    for name, raw in {"a": text.encode("utf-8"), "b": text.encode("cp1252"),
                      "c": b"\xef\xbb\xbf" + text.encode("utf-8")}.items():
        (tmp_path / name).write_bytes(raw)
        assert read_bytes(tmp_path / name) == text.encode("utf-8")
    (tmp_path / "d").write_bytes(b"child_id\rC1\r")  # old Mac line endings, all ASCII
    assert read_bytes(tmp_path / "d") == b"child_id\nC1\n"
