"""Validating the inputs of a toolkit completely: every problem is collected (cell, why),
nothing stops at the first one.

Rules (audit-cycle.md, "The toolkit"; the framework's Guidance for Auditors: "Complete all
boxes (unless not applicable)"): every standard scored, with evidence unless Met or Not
applicable; every key question judged, with evidence; the overall grade and its rationale;
strengths and areas for improvement; immediate concern yes/no, and when yes the date
identified, who was told and when; the meeting held or not (when held: date, joint or
separate, who attended; when not: why); family contact when flagged (when made: who by role,
method, consent, and their views when they consented; when not: why); each action row used
has what, owner and due date; the date the audit was completed. Dates must be real dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import toolkit_values as tv
from .toolkit_layout import SHORT_TEXT_MAX, Layout, TemplateSpec

Problems = list[tuple[str, str]]


class _Inputs:
    def __init__(self, raw: dict[str, Any], layout: Layout) -> None:
        self.raw = raw
        self.cells = layout.inputs
        self.problems: Problems = []

    def ref(self, name: str) -> str:
        return self.cells[name].ref

    def fail(self, name: str, why: str) -> None:
        self.problems.append((self.ref(name), why))

    def get(self, name: str, parse: Callable[[Any], tuple[Any, str | None]] | None = None,
            *, required: str | None = None) -> Any:
        """The parsed value of ``name``; a problem when it is a formula, cannot be parsed, or
        is blank while ``required`` (the reason it is needed)."""
        value = self.raw.get(name)
        if tv.is_formula(value):
            self.fail(name, "a formula is not accepted in a toolkit: type the text itself")
            return None
        if parse is None:
            parsed, why = tv.text(value), None
        else:
            parsed, why = parse(value)
        if why:
            self.fail(name, why)
            return None
        if parsed is None and required:
            self.fail(name, required)
        return parsed

    def short(self, name: str, *, required: str | None = None) -> str | None:
        value = self.get(name, required=required)
        if value is not None and len(value) > SHORT_TEXT_MAX:
            self.fail(name, f"too long: give a staff ID or a role (at most {SHORT_TEXT_MAX} "
                      "characters)")
            return None
        return value


def validate_inputs(raw: dict[str, Any], layout: Layout,
                    spec: TemplateSpec) -> tuple[dict[str, Any], Problems]:
    cells = _Inputs(raw, layout)
    fields: dict[str, Any] = {"scores": [], "questions": []}
    for sid, *_ in spec.standards:
        score = cells.get(f"standard.{sid}.score", tv.score,
                          required=f"standard {sid} has no score")
        need = score is not None and score not in ("met", "not_applicable")
        evidence = cells.get(f"standard.{sid}.evidence", required=(
            f"standard {sid}: evidence is required when the score is not Met or Not "
            "applicable") if need else None)
        fields["scores"].append({"standard_id": sid, "score": score, "evidence": evidence})
    for i, (qid, question, _) in enumerate(spec.key_questions, start=1):
        judged = cells.get(f"question.{qid}.judgement",
                           lambda v: tv.judgement(v, spec.judgement_choices),
                           required=f"key question Q{i} ({question}) has no judgement")
        evidence = cells.get(f"question.{qid}.evidence",
                             required=f"key question Q{i} ({question}): evidence is required")
        fields["questions"].append({"question": qid, "judgement": judged, "evidence": evidence})
    labels = tuple(label for _, label in spec.grades)
    fields["grade"] = cells.get("grade", lambda v: tv.grade(v, labels),
                                required="the overall grade is missing")
    fields["rationale"] = cells.get("rationale", required="the rationale for the grade is "
                                    "required")
    fields["strengths"] = cells.get("strengths", required="strengths are required (write "
                                    "'none seen' if so)")
    fields["improvements"] = cells.get("improvements", required="areas for improvement are "
                                       "required (write 'none' if so)")
    fields["concern"] = _concern(cells)
    fields["meeting"] = _meeting(cells)
    fields["family"] = _family(cells) if spec.family_contact else None
    fields["actions"] = _actions(cells, spec.action_rows)
    fields["completed_on"] = cells.get("completed_on", tv.real_date,
                                       required="the date the audit was completed is missing")
    return fields, cells.problems


def _concern(cells: _Inputs) -> dict[str, Any]:
    found = cells.get("concern.found", tv.yes_no, required="say Yes or No: did you find a "
                      "concern needing action now?")
    need = "required when a concern was found" if found else None
    out = {
        "found": found,
        "identified_on": cells.get("concern.identified_on", tv.real_date,
                                   required=need and f"the date identified is {need}"),
        "told": cells.short("concern.told", required=need and f"who was told is {need}"),
        "told_on": cells.get("concern.told_on", tv.real_date,
                             required=need and f"the date they were told is {need}"),
    }
    if out["identified_on"] and out["told_on"] and out["told_on"] < out["identified_on"]:
        cells.fail("concern.told_on", "told before the concern was identified: check both dates")
    return out


def _meeting(cells: _Inputs) -> dict[str, Any]:
    held = cells.get("meeting.held", tv.yes_no, required="say Yes or No: was the meeting with "
                     "the worker and manager held?")
    when_held = "required when the meeting was held" if held else None
    attendees = cells.get("meeting.attendees",
                          required=when_held and f"who attended is {when_held}")
    return {
        "held": held,
        "held_on": cells.get("meeting.held_on", tv.real_date,
                             required=when_held and f"the date is {when_held}"),
        "joint": cells.get("meeting.format", tv.meeting_format,
                           required=when_held and f"joint or separate is {when_held}"),
        "attendees": [a.strip() for a in re.split(r"[,;\n]", attendees) if a.strip()]
        if attendees else [],
        "worker_comments": cells.get("meeting.worker_comments"),
        "manager_comments": cells.get("meeting.manager_comments"),
        "not_held_reason": cells.get("meeting.not_held_reason", required=(
            "say why the meeting was not held") if held is False else None),
    }


def _family(cells: _Inputs) -> dict[str, Any]:
    done = cells.get("family.done", tv.yes_no, required="this allocation is flagged for "
                     "family contact: say Yes or No, contact made?")
    when_done = "required when contact was made" if done else None
    consent = cells.get("family.consent", tv.yes_no,
                        required=when_done and f"consent is {when_done}")
    return {
        "done": done,
        "by_role": cells.short("family.by_role",
                               required=when_done and f"who (by role) is {when_done}"),
        "method": cells.get("family.method", tv.method,
                            required=when_done and f"the method is {when_done}"),
        "consent": consent,
        "views": cells.get("family.views", required=(
            "their views are required when they consented") if done and consent else None),
        "not_done_reason": cells.get("family.not_done_reason", required=(
            "say why there was no contact with the family") if done is False else None),
    }


def _actions(cells: _Inputs, rows: int) -> list[dict[str, Any]]:
    out = []
    for i in range(1, rows + 1):
        names = (f"action.{i}.what", f"action.{i}.owner", f"action.{i}.due")
        if all(tv.text(cells.raw.get(n)) is None for n in names):
            continue
        out.append({
            "number": i,
            "what": cells.get(names[0], required=f"action {i}: say what must happen"),
            "owner": cells.short(names[1], required=f"action {i} has no owner"),
            "due": cells.get(names[2], tv.real_date, required=f"action {i} has no due date"),
        })
    return out
