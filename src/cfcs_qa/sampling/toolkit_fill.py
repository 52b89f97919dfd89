"""Completing a written toolkit as an auditor would, for tests and the demo:
``fill_toolkit(path, answers=None, *, seed)``.

The grades, scores, judgements, evidence and actions are drawn from a seeded generator and
hang together (an inadequate audit has more Not met scores and more actions). ``answers``
overrides any input by field name (``"grade"``, ``"standard.1.10.score"``,
``"concern.found"`` ...); a value of None leaves that cell blank. No real child is
described: every sentence comes from the banks below.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..fileio import atomic_path, safe_cell
from .toolkit_layout import CONTACT_METHODS, META_SHEET, SHEET, build_layout
from .toolkit_meta import parse_meta

GRADE_WEIGHTS = {"Outstanding": 0.08, "Good": 0.47, "Requires improvement to be good": 0.35,
                 "Inadequate": 0.10}
_MET_CHANCE = {"Outstanding": 0.95, "Good": 0.8, "Requires improvement to be good": 0.55,
               "Inadequate": 0.3}
EVIDENCE = (
    "Assessment on file but analysis does not link back to the referral concerns.",
    "Child seen but not seen alone at the last two visits; no reason recorded.",
    "Chronology not updated since the last review.",
    "Plan actions lack timescales and named owners.",
    "Partner agency views are missing from the assessment.",
    "Visits recorded but late (over five working days after the visit).",
    "Father's role in the household not explored.",
    "Case notes do not distinguish fact from opinion.",
)
MET_EVIDENCE = (
    "Clear and timely; the child's views are recorded in their own words.",
    "Well evidenced in the case notes and the latest review.",
    "Done within timescale and recorded on the child's record.",
)
STRENGTHS = ("Warm, child-centred recording; the child's voice runs through the file.",
             "Good multi-agency working; core group minutes circulated on time.",
             "Visits are purposeful and focused on the identified risks.")
IMPROVEMENTS = ("Update the chronology and link analysis to history.",
                "Make the plan SMART: actions, owners and timescales.",
                "Record management oversight and supervision decisions with rationale.")
ACTIONS = ("Update the chronology with significant events from the last 12 months.",
           "Review the plan at the next core group and add timescales.",
           "See the child alone at the next visit and record their views.",
           "Record the supervision discussion and its decisions on the file.")
ROLES = ("team manager", "deputy manager", "service manager", "S002", "S014")


def _due(meta_value: str) -> date | None:
    try:
        return datetime.strptime(meta_value, "%a %d %b %Y").date()
    except ValueError:
        return None


def auditor_answers(layout_inputs: dict[str, Any], spec: Any, values: dict[str, str],
                    rng: random.Random) -> dict[str, Any]:
    """A complete, valid set of answers for one toolkit."""
    grade = rng.choices(list(GRADE_WEIGHTS), weights=list(GRADE_WEIGHTS.values()))[0]
    issued = _due(values.get("issued_date", "")) or date(2026, 1, 5)
    due = _due(values.get("due_date", "")) or issued + timedelta(days=17)
    completed = max(issued, due - timedelta(days=rng.randint(0, 6)))
    out: dict[str, Any] = {"grade": grade, "completed_on": completed}
    for sid, *_ in spec.standards:
        if rng.random() < 0.06:
            out[f"standard.{sid}.score"] = "Not applicable"
        elif rng.random() < _MET_CHANCE[grade]:
            out[f"standard.{sid}.score"] = "Met"
            out[f"standard.{sid}.evidence"] = rng.choice(MET_EVIDENCE)
        else:
            out[f"standard.{sid}.score"] = rng.choice(("Partly met", "Not met", "Not evidenced"))
            out[f"standard.{sid}.evidence"] = rng.choice(EVIDENCE)
    for qid, *_ in spec.key_questions:
        good = grade in ("Outstanding", "Good")
        yes = "No" if qid == "drift" else "Yes"
        out[f"question.{qid}.judgement"] = yes if good or rng.random() < 0.5 else "Partly"
        out[f"question.{qid}.evidence"] = rng.choice(MET_EVIDENCE if good else EVIDENCE)
    out["rationale"] = f"{grade}: " + rng.choice(EVIDENCE if grade not in (
        "Outstanding", "Good") else MET_EVIDENCE)
    out["strengths"] = rng.choice(STRENGTHS)
    out["improvements"] = rng.choice(IMPROVEMENTS)
    concern = grade == "Inadequate" and rng.random() < 0.5
    out["concern.found"] = "Yes" if concern else "No"
    if concern:
        found_on = completed - timedelta(days=rng.randint(1, 5))
        out.update({"concern.identified_on": found_on, "concern.told": rng.choice(ROLES),
                    "concern.told_on": found_on + timedelta(days=rng.randint(0, 1))})
    if rng.random() < 0.9:
        out.update({"meeting.held": "Yes", "meeting.held_on": completed,
                    "meeting.format": rng.choice(("Joint", "Joint", "Separate")),
                    "meeting.attendees": "social worker, team manager",
                    "meeting.worker_comments": "Agreed with the findings; workload noted.",
                    "meeting.manager_comments": "Will pick up the actions in supervision."})
    else:
        out.update({"meeting.held": "No",
                    "meeting.not_held_reason": "Worker on leave until after the due date."})
    if spec.family_contact:
        if rng.random() < 0.7:
            out.update({"family.done": "Yes", "family.by_role": rng.choice(("mother", "carer")),
                        "family.method": rng.choice(CONTACT_METHODS[:3]), "family.consent": "Yes",
                        "family.views": "They said the worker listens and explains things."})
        else:
            out.update({"family.done": "No",
                        "family.not_done_reason": "Three calls unanswered; letter sent."})
    n_actions = {"Outstanding": 0, "Good": 1}.get(grade, rng.randint(2, 3))
    for i, what in enumerate(rng.sample(ACTIONS, n_actions), start=1):
        out.update({f"action.{i}.what": what, f"action.{i}.owner": rng.choice(ROLES),
                    f"action.{i}.due": completed + timedelta(days=rng.randint(14, 42))})
    return {k: v for k, v in out.items() if k in layout_inputs}


def fill_toolkit(path: str | Path, answers: dict[str, Any] | None = None, *,
                 seed: int) -> dict[str, Any]:
    """Complete the toolkit at ``path`` in place (atomically) and return the answers used."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    rows = [["" if v is None else str(v) for v in row]
            for row in workbook[META_SHEET].iter_rows(values_only=True)]
    meta = parse_meta(rows)
    inputs = build_layout(meta.spec).inputs
    chosen = auditor_answers(inputs, meta.spec, meta.values, random.Random(seed))
    unknown = set(answers or {}) - set(inputs)
    if unknown:
        raise KeyError(f"fill_toolkit: no such input: {', '.join(sorted(unknown))}")
    chosen.update(answers or {})
    sheet = workbook[SHEET]
    for name, cell in inputs.items():
        value = chosen.get(name)
        sheet[cell.ref].value = safe_cell(value)
    with atomic_path(path) as tmp:
        workbook.save(tmp)
    return chosen


def main(argv: list[str] | None = None) -> int:
    """``python -m cfcs_qa.sampling.toolkit_fill [--count N] [--seed S] DIR``: complete the
    first N toolkits (by allocation id) in DIR, as the demo's auditors. Training use only."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m cfcs_qa.sampling.toolkit_fill",
                                     description=main.__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    files = sorted(args.folder.glob("*.xlsx"))[: args.count]
    if not files:
        print(f"no toolkits in {args.folder}")
        return 2
    for i, path in enumerate(files):
        answers = fill_toolkit(path, seed=args.seed + i)
        print(f"completed {path.name}: {answers['grade']}, on {answers['completed_on']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
