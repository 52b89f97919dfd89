"""Small pure rules of the review stage: final grades, escalation lateness, action states,
the Tier 3 shortlist order and re-audit comparisons. Plain data in, plain data out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ..calendar import WorkingCalendar
from ..errors import UserError

GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
GRADE_RANK = {"inadequate": 1, "requires_improvement": 2, "good": 3, "outstanding": 4}
_GRADE_SPELLINGS = {
    "outstanding": "outstanding",
    "good": "good",
    "requires_improvement": "requires_improvement",
    "requires improvement": "requires_improvement",
    "req. improvement": "requires_improvement",
    "ri": "requires_improvement",
    "inadequate": "inadequate",
}

SCORE_RANK = {"met": 3, "partly_met": 2, "not_met": 1, "not_evidenced": 1}
"""Standards scores ordered for a before/after comparison. Not evidenced ranks with Not met
(the framework: information that cannot be found is reflected in the grading);
Not applicable has no rank."""


def parse_grade(text: str, option: str = "--grade") -> str:
    key = " ".join(text.strip().lower().replace("-", " ").split())
    grade = _GRADE_SPELLINGS.get(key) or _GRADE_SPELLINGS.get(key.replace(" ", "_"))
    if grade is None:
        raise UserError(
            f"{option} {text!r} is not a grade. Use one of: {', '.join(GRADES)} "
            "(RI and 'requires improvement' are accepted)."
        )
    return grade


def resolve_final_grade(
    auditor_grade: str | None,
    moderated_grade: str | None = None,
    dispute_grade: str | None = None,
) -> tuple[str | None, str]:
    """(final grade, source): a decided dispute beats moderation, which beats the auditor."""
    if dispute_grade:
        return dispute_grade, "dispute"
    if moderated_grade:
        return moderated_grade, "moderation"
    if auditor_grade:
        return auditor_grade, "auditor"
    return None, "none"


def told_working_days(cal: WorkingCalendar, identified: date, told_on: date) -> int:
    """Working days from identifying a concern to telling someone (Fri → Mon is 1)."""
    if told_on < identified:
        raise UserError(
            f"--told-on {told_on.isoformat()} is before --identified {identified.isoformat()}: "
            "a concern cannot be passed on before it is found. Check the two dates."
        )
    return cal.wd(identified, told_on)


def escalation_is_late(cal: WorkingCalendar, identified: date, told_on: date) -> bool:
    """Late when told more than one working day after it was identified."""
    return told_working_days(cal, identified, told_on) > 1


# --- actions -------------------------------------------------------------------------------

ACTION_STATES = ("open", "overdue", "completed", "signed_off")


def action_state(
    due: date | None, completed_on: date | None, signed_off_on: date | None, as_of: date
) -> str:
    """open → completed → signed_off; ``overdue`` is an open action past its due date."""
    if signed_off_on is not None:
        return "signed_off"
    if completed_on is not None:
        return "completed"
    if due is not None and due < as_of:
        return "overdue"
    return "open"


def check_complete(action_id: int | str, completed_on: date | None,
                   signed_off_on: date | None) -> None:
    if signed_off_on is not None or completed_on is not None:
        raise UserError(
            f"Action {action_id} is already completed"
            f"{' and signed off' if signed_off_on else ''}; nothing to do."
        )


def check_sign_off(action_id: int | str, completed_on: date | None,
                   signed_off_on: date | None) -> None:
    """Sign-off only after completion, and only once (a manager signs off finished work)."""
    if signed_off_on is not None:
        raise UserError(
            f"Action {action_id} was already signed off on {signed_off_on.isoformat()}; "
            "it cannot be signed off twice."
        )
    if completed_on is None:
        raise UserError(
            f"Action {action_id} is not completed yet. Mark it done with "
            f"'cfcs-qa audits actions complete {action_id}', then sign it off."
        )


# --- Tier 3 shortlist ---------------------------------------------------------------------


@dataclass(frozen=True)
class Tier3Candidate:
    allocation_id: str
    child_id: str
    final_grade: str | None
    escalated: bool


@dataclass(frozen=True)
class Tier3Ranked:
    allocation_id: str
    child_id: str
    final_grade: str | None
    escalated: bool
    rank: int
    reason: str


def tier3_shortlist(
    candidates: Sequence[Tier3Candidate], seed: int, key: str = "", limit: int = 5
) -> list[Tier3Ranked]:
    """Escalations first, then inadequate, then requires improvement; with none of those,
    a seeded random pick of the rest. Ties within a group go in a seeded random order
    (``derived_generator(seed, "tier3", key)``; key: the Tier 3 month)."""
    from ..sampling.seeding import derived_generator

    ordered = sorted(candidates, key=lambda c: c.allocation_id)
    rng = derived_generator(seed, "tier3", key)
    tiebreak = {c.allocation_id: int(k) for c, k in zip(ordered, rng.permutation(len(ordered)),
                                                        strict=True)}

    def group(c: Tier3Candidate) -> tuple[int, str]:
        if c.escalated:
            return 0, "escalation"
        if c.final_grade == "inadequate":
            return 1, "graded inadequate"
        if c.final_grade == "requires_improvement":
            return 2, "graded requires improvement"
        return 3, "random pick (no escalation, inadequate or requires improvement)"

    ranked = sorted(ordered, key=lambda c: (group(c)[0], tiebreak[c.allocation_id]))
    priority = [c for c in ranked if group(c)[0] < 3]
    chosen = priority[:limit] if priority else ranked[:limit]
    return [
        Tier3Ranked(c.allocation_id, c.child_id, c.final_grade, c.escalated, i + 1, group(c)[1])
        for i, c in enumerate(chosen)
    ]


# --- re-audit comparison -------------------------------------------------------------------


def compare_scores(
    before: Mapping[str, str | None], after: Mapping[str, str | None]
) -> list[dict[str, str | None]]:
    """Per standard (ids are strings, sorted numerically): before, after and the change."""
    ids: Iterable[str] = sorted(set(before) | set(after), key=_standard_key)
    rows: list[dict[str, str | None]] = []
    for sid in ids:
        b, a = before.get(sid), after.get(sid)
        rows.append({"standard": sid, "before": b, "after": a, "change": _change(b, a)})
    return rows


def grade_change(before: str | None, after: str | None) -> str:
    return _change(before, after, GRADE_RANK)


def _change(b: str | None, a: str | None, rank: Mapping[str, int] = SCORE_RANK) -> str:
    rb, ra = rank.get(b or ""), rank.get(a or "")
    if rb is None or ra is None:
        return "not comparable"
    return "improved" if ra > rb else "declined" if ra < rb else "same"


def _standard_key(sid: str) -> tuple[tuple[int, ...] | tuple[()], str]:
    try:
        return tuple(int(p) for p in sid.split(".")), sid
    except ValueError:
        return (), sid
