"""Rows read = accepted + rejected, always; every rejected row carries an error finding on the
line where its record starts (hypothesis over random bad rows)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfcs_qa.config import Settings
from cfcs_qa.ingest import load

from .conftest import AS_OF, CHILDREN, write

IDS = st.sampled_from(["K1", "K2", "K3", "", "K\n9"])
CHILD = st.sampled_from(["C1", "", "C7"])
DATES = st.sampled_from(["01/01/2026", "2026-02-03", "", "31/02/2026", "x", "46326", "1/9/26"])
OUTCOMES = st.sampled_from(["nfa", "NFA", "Advice", "", "bogus"])
SHAPE = st.sampled_from(["ok"] * 6 + ["short", "long", "empty line"])
RECORD = st.tuples(IDS, CHILD, DATES, OUTCOMES, SHAPE, st.booleans())


def cell(text: str, quote: bool) -> str:
    return '"' + text.replace('"', '""') + '"' if quote or "\n" in text else text


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(RECORD, max_size=25))
def test_rows_read_is_accepted_plus_rejected(tmp_path_factory, records) -> None:  # type: ignore[no-untyped-def]
    lines = ["contact_id,child_id,received_date,outcome"]
    line = 2
    expected_rows: list[int] = []
    rejected: set[int] = set()
    seen: set[str] = set()
    for cid, child, date, outcome, shape, quote in records:
        fields = [cid, child, date, outcome]
        if shape == "short":
            fields = fields[:3]
        elif shape == "long":
            fields = [*fields, "extra"]
        text = ",".join(cell(f, quote) for f in fields)
        if shape == "empty line":
            text = ""
        elif shape == "ok" and not any(fields):
            text = ",,,"  # a row with no values is a blank line, not a record
        else:
            expected_rows.append(line)
            bad = shape != "ok" or not cid or not child or not date
            bad |= date not in ("", "01/01/2026", "2026-02-03")
            bad |= outcome.lower() not in ("", "nfa", "advice")
            if shape == "ok" and cid:
                bad |= cid in seen
                seen.add(cid)
            if bad:
                rejected.add(line)
        lines.append(text)
        line += text.count("\n") + 1
    folder = write(tmp_path_factory.mktemp("x"), {
        "children.csv": CHILDREN, "contacts.csv": "\n".join(lines) + "\n",
    })
    result = load(Path(folder), Settings(), AS_OF)
    rep = result.reports["contacts"]
    assert rep.rows_read == rep.rows_accepted + rep.rows_rejected == len(expected_rows)
    assert rep.rows_rejected == len(rejected)
    error_rows = {f.row for f in result.errors if f.table == "contacts"}
    assert error_rows == rejected
    if result.has("contacts"):
        assert list(result.get("contacts")["_row"]) == [r for r in expected_rows
                                                        if r not in rejected]
