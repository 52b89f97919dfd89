"""Where everything sits in a toolkit workbook: ONE declarative cell map, shared by the
writer (which lays it out) and the reader (which reads the input cells and checks that every
other cell is exactly as written).

``build_layout(spec)`` turns a ``TemplateSpec`` (category, standards, key questions, grades,
indicators of "good", family-contact flag, synthetic flag) into a ``Layout``: a tuple of
``Cell``s, each a static label, an allocation value (child id, due date ...) or an input.
The template checksum is the sha256 of that map (addresses, kinds, label texts, field names,
choices, merges): the same for every toolkit of the same shape, whatever the file's bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Literal

LAYOUT_VERSION = "cfcs-qa-toolkit/1"
SHEET = "Toolkit"
META_SHEET = "_meta"
TITLE_ROWS = "1:3"
ACTION_ROWS = 8
COLUMN_WIDTHS = {"A": 9, "B": 58, "C": 24, "D": 58, "E": 2, "F": 46}

SCORES = {
    "Met": "met", "Partly met": "partly_met", "Not met": "not_met",
    "Not evidenced": "not_evidenced", "Not applicable": "not_applicable",
}
YES_NO = ("Yes", "No")
MEETING_FORMATS = ("Joint", "Separate")
CONTACT_METHODS = ("In person", "Telephone", "Video call", "Letter or email", "Other")
SHORT_TEXT_MAX = 64
"""Owner and "who was told": a staff id or a role, kept short (the store keeps 64 chars)."""

CATEGORY_LABELS = {
    "cin": "Child in need", "cp": "Child protection", "cic": "Child in care",
    "care_leaver": "Care leaver", "assessment": "Assessment / MASH",
    "cds": "Children's disability service",
}
SAFEGUARDING_TEXT = (
    "If you find a safeguarding concern, or think a child may not be safe: raise it NOW with "
    "the case manager (the child's team manager, or the duty manager if they are away). Do not "
    "wait for this toolkit to be returned. Then record it under 'Immediate concern': the date "
    "you identified it, who you told and when. This toolkit records and reminds; it never "
    "replaces your duty to act."
)
HOW_TO_TEXT = (
    "Fill the yellow cells only; anything typed elsewhere is not read. Use the child's "
    "identifier, never a name. Score every standard and give evidence unless Met or Not "
    "applicable. Audit the last 12 months (further back only for safeguarding or drift). "
    "Return the completed workbook by the due date: it is recognised by its allocation id, "
    "not its file name."
)

CellKind = Literal["label", "value", "input"]
InputKind = Literal["choice", "text", "long", "date"]


@dataclass(frozen=True)
class Cell:
    ref: str
    kind: CellKind
    text: str = ""
    """label: the static text written."""
    field: str = ""
    """value: the allocation key shown; input: the field the reader returns."""
    input: InputKind | None = None
    choices: tuple[str, ...] = ()
    merge_to: str | None = None
    """Bottom-right cell when the cell is merged across columns."""
    style: str = "text"
    """title, banner, heading, danger, colhead, label, text, value, input."""


@dataclass(frozen=True)
class TemplateSpec:
    category: str
    standards: tuple[tuple[str, str, str, str | None], ...]
    """(id, section, text, heading) in print order."""
    key_questions: tuple[tuple[str, str, str], ...]
    """(id, question, prompt)."""
    judgement_choices: tuple[str, ...]
    grades: tuple[tuple[str, str], ...]
    """(id, friendly label)."""
    indicators: tuple[str, ...]
    family_contact: bool
    synthetic: bool
    action_rows: int = ACTION_ROWS


@dataclass(frozen=True)
class Layout:
    cells: tuple[Cell, ...]
    last_row: int
    page_break_after: int
    heights: dict[int, float] = field(default_factory=dict)

    @property
    def by_ref(self) -> dict[str, Cell]:
        return {c.ref: c for c in self.cells}

    @property
    def inputs(self) -> dict[str, Cell]:
        return {c.field: c for c in self.cells if c.kind == "input"}

    def checksum(self) -> str:
        parts = [
            [c.ref, c.kind, c.text, c.field, c.input or "", list(c.choices), c.merge_to or ""]
            for c in self.cells
        ]
        blob = json.dumps([LAYOUT_VERSION, parts], ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class _Builder:
    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self.row = 0
        self.heights: dict[int, float] = {}

    def next(self, gap: int = 0) -> int:
        self.row += 1 + gap
        return self.row

    def label(self, col: str, text: str, style: str = "label", merge: str | None = None) -> None:
        merge_to = f"{merge}{self.row}" if merge else None
        self.cells.append(Cell(f"{col}{self.row}", "label", text=text, merge_to=merge_to,
                               style=style))
        self._fit(text, col, merge)

    def value(self, col: str, key: str, merge: str | None = None) -> None:
        merge_to = f"{merge}{self.row}" if merge else None
        self.cells.append(Cell(f"{col}{self.row}", "value", field=key, merge_to=merge_to,
                               style="value"))

    def input(self, col: str, name: str, kind: InputKind, choices: tuple[str, ...] = (),
              merge: str | None = None) -> None:
        merge_to = f"{merge}{self.row}" if merge else None
        self.cells.append(Cell(f"{col}{self.row}", "input", field=name, input=kind,
                               choices=choices, merge_to=merge_to, style="input"))
        if kind == "long":
            self.heights[self.row] = max(self.heights.get(self.row, 15.0), 48.0)

    def _fit(self, text: str, col: str, merge: str | None) -> None:
        cols = [col] if not merge else [chr(c) for c in range(ord(col), ord(merge) + 1)]
        width = sum(COLUMN_WIDTHS[c] for c in cols)
        lines = sum(max(1, math.ceil(len(part) / max(width - 2, 1)))
                    for part in text.split("\n"))
        self.heights[self.row] = max(self.heights.get(self.row, 15.0), 15.0 * lines)


def build_layout(spec: TemplateSpec) -> Layout:
    b = _Builder()
    _title_and_page_one(b, spec)
    page_break = b.row
    _header(b)
    _standards(b, spec)
    _key_questions(b, spec)
    _judgement(b, spec)
    _concern_and_meeting(b)
    if spec.family_contact:
        _family_contact(b)
    _actions(b, spec.action_rows)
    b.next(1)
    b.label("B", "Date the audit was completed")
    b.input("C", "completed_on", "date")
    b.next()
    b.label("A", "End of toolkit.", style="text", merge="B")
    return Layout(tuple(b.cells), b.row, page_break, dict(b.heights))


def _title_and_page_one(b: _Builder, spec: TemplateSpec) -> None:
    b.next()
    b.label("A", "Tier 2 case audit toolkit", style="title", merge="B")
    b.label("C", "Allocation", style="colhead")
    b.value("D", "allocation_id")
    b.next()
    b.label("A", "Child", style="colhead")
    b.value("B", "child_id")
    b.label("C", "Due date", style="colhead")
    b.value("D", "due_date")
    b.next()
    if spec.synthetic:
        b.label("A", "SYNTHETIC SAMPLE DATA: this toolkit was written from the bundled synthetic "
                "extract. No real child is described.", style="banner", merge="F")
    b.next(1)
    b.label("A", "Page 1: before you start", style="heading", merge="D")
    b.next()
    b.label("A", SAFEGUARDING_TEXT, style="danger", merge="D")
    for key, text in (("allocation_id", "Allocation id"), ("due_date", "Due date"),
                      ("issued_date", "Issued"), ("auditor", "Auditor")):
        b.next()
        b.label("B", text)
        b.value("C", key, merge="D")
    b.next()
    b.label("A", HOW_TO_TEXT, style="text", merge="D")


def _header(b: _Builder) -> None:
    b.next(1)
    b.label("A", "The case", style="heading", merge="D")
    for key, text in (
        ("child_id", "Child identifier"), ("category", "Category"), ("team", "Team"),
        ("worker", "Worker"), ("supervising_manager", "Supervising manager"),
        ("legal_status", "Legal status"), ("placement", "Placement"),
        ("audit_window", "Audit window (12 months)"),
    ):
        b.next()
        b.label("B", text)
        b.value("C", key, merge="D")


def _standards(b: _Builder, spec: TemplateSpec) -> None:
    section = None
    scores = tuple(SCORES)
    for sid, sec, text, heading in spec.standards:
        if sec != section:
            section = sec
            b.next(1)
            b.label("A", f"Practice standards: {sec}", style="heading", merge="D")
            b.next()
            b.label("A", "Standard", style="colhead")
            b.label("B", "Key area", style="colhead")
            b.label("C", "Score", style="colhead")
            b.label("D", "Evidence (required unless Met or Not applicable)", style="colhead")
        if heading:
            b.next()
            b.label("B", heading, style="colhead")
        b.next()
        b.label("A", sid, style="label")
        b.label("B", text, style="text")
        b.input("C", f"standard.{sid}.score", "choice", scores)
        b.input("D", f"standard.{sid}.evidence", "long")


def _key_questions(b: _Builder, spec: TemplateSpec) -> None:
    b.next(1)
    b.label("A", "Key questions", style="heading", merge="D")
    b.next()
    b.label("B", "Question", style="colhead")
    b.label("C", "Judgement", style="colhead")
    b.label("D", "Evidence (required)", style="colhead")
    for i, (qid, question, prompt) in enumerate(spec.key_questions, start=1):
        b.next()
        b.label("A", f"Q{i}")
        b.label("B", f"{question}\n{prompt}" if prompt else question, style="text")
        b.input("C", f"question.{qid}.judgement", "choice", spec.judgement_choices)
        b.input("D", f"question.{qid}.evidence", "long")


def _judgement(b: _Builder, spec: TemplateSpec) -> None:
    b.next(1)
    start = b.row
    b.label("A", "Overall judgement (Ofsted scale)", style="heading", merge="D")
    b.next()
    b.label("B", "Overall grade")
    b.input("C", "grade", "choice", tuple(label for _, label in spec.grades))
    b.next()
    b.label("B", "Rationale for the grade (required): the evidence that decided it")
    b.input("C", "rationale", "long", merge="D")
    b.next()
    b.label("B", "Strengths: good practice seen")
    b.input("C", "strengths", "long", merge="D")
    b.next()
    b.label("B", "Areas for improvement")
    b.input("C", "improvements", "long", merge="D")
    end = b.row
    # The indicators of "good" sit beside the judgement, in column F.
    b.row = start
    b.label("F", 'Indicators of a "good" grade', style="colhead")
    for text in spec.indicators:
        b.next()
        b.label("F", f"\u2022 {text}", style="text")
    b.row = max(end, b.row)


def _concern_and_meeting(b: _Builder) -> None:
    b.next(1)
    b.label("A", "Immediate concern", style="heading", merge="D")
    rows: list[tuple[str, str, InputKind, tuple[str, ...]]] = [
        ("Did you find a concern needing action now?", "concern.found", "choice", YES_NO),
        ("Date identified", "concern.identified_on", "date", ()),
        ("Who was told (staff ID or role)", "concern.told", "text", ()),
        ("Date they were told", "concern.told_on", "date", ()),
    ]
    for text, name, kind, choices in rows:
        b.next()
        b.label("B", text)
        b.input("C", name, kind, choices)
    b.next(1)
    b.label("A", "Meeting with the worker and the supervising manager", style="heading",
            merge="D")
    rows = [
        ("Meeting held?", "meeting.held", "choice", YES_NO),
        ("Date of the meeting", "meeting.held_on", "date", ()),
        ("Joint or separate", "meeting.format", "choice", MEETING_FORMATS),
    ]
    for text, name, kind, choices in rows:
        b.next()
        b.label("B", text)
        b.input("C", name, kind, choices)
    for text, name in (
        ("Who attended (staff IDs or roles, separated by commas)", "meeting.attendees"),
        ("Worker's comments", "meeting.worker_comments"),
        ("Manager's comments", "meeting.manager_comments"),
        ("If not held: why not", "meeting.not_held_reason"),
    ):
        b.next()
        b.label("B", text)
        b.input("C", name, "long", merge="D")


def _family_contact(b: _Builder) -> None:
    b.next(1)
    b.label("A", "Contact with the family (this allocation is flagged for family contact)",
            style="heading", merge="D")
    rows: list[tuple[str, str, InputKind, tuple[str, ...]]] = [
        ("Contact made?", "family.done", "choice", YES_NO),
        ("Who (their role, e.g. mother, carer; never a name)", "family.by_role", "text", ()),
        ("Method", "family.method", "choice", CONTACT_METHODS),
        ("Consent to record their views?", "family.consent", "choice", YES_NO),
    ]
    for text, name, kind, choices in rows:
        b.next()
        b.label("B", text)
        b.input("C", name, kind, choices)
    for text, name in (("Their views, in their own words", "family.views"),
                       ("If no contact: why not", "family.not_done_reason")):
        b.next()
        b.label("B", text)
        b.input("C", name, "long", merge="D")


def _actions(b: _Builder, rows: int) -> None:
    b.next(1)
    b.label("A", "Actions (each needs an owner and a due date)", style="heading", merge="D")
    b.next()
    b.label("A", "#", style="colhead")
    b.label("B", "Action: what must happen", style="colhead")
    b.label("C", "Owner (staff ID or role)", style="colhead")
    b.label("D", "Due date", style="colhead")
    for i in range(1, rows + 1):
        b.next()
        b.label("A", str(i))
        b.input("B", f"action.{i}.what", "long")
        b.input("C", f"action.{i}.owner", "text")
        b.input("D", f"action.{i}.due", "date")
