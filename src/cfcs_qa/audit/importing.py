"""Importing completed toolkits into the audit store (``cfcs-qa audits import FILE...``).

Each file is read and validated completely (``sampling.toolkit_reader``), then checked against
the store: the allocation must exist, be open (a replaced or withdrawn allocation's toolkit is
void), match the toolkit's template checksum, child and category, and not be imported already
(unless ``replace``: the old audit row stays with ``current = false``). A file is stored in one
transaction (audit, scores per standard, key questions, meeting, actions, an escalation for an
immediate concern, the allocation marked completed, a change-log row) or refused with every
problem (sheet, cell, why). Files are independent: one refusal does not stop the others.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, select

from ..sampling.toolkit_reader import Problem, ToolkitResult, read_toolkit
from . import schema as s
from .store import Store, current_actor, utcnow


@dataclass
class ImportOutcome:
    file: str
    status: str  # stored, replaced, refused
    allocation_id: str | None = None
    child_id: str | None = None
    grade: str | None = None
    completed_date: date | None = None
    escalation: bool = False
    actions: int = 0
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "status": self.status, "allocation_id": self.allocation_id,
            "child_id": self.child_id, "grade": self.grade,
            "completed_date": self.completed_date.isoformat() if self.completed_date else None,
            "escalation": self.escalation, "actions": self.actions,
            "problems": [p.as_dict() for p in self.problems],
        }


class _Refused(Exception):
    def __init__(self, *problems: Problem) -> None:
        super().__init__(problems)
        self.problems = list(problems)


def import_toolkits(store: Store, paths: list[Path], *, as_of: date, by: str | None = None,
                    replace: bool = False) -> list[ImportOutcome]:
    """Import each file; the outcomes come back in the order given."""
    actor = current_actor(by)
    return [import_one(store, Path(p), as_of=as_of, actor=actor, replace=replace)
            for p in paths]


def import_one(store: Store, path: Path, *, as_of: date, actor: str,
               replace: bool) -> ImportOutcome:
    result = read_toolkit(path)
    outcome = ImportOutcome(file=path.name, status="refused",
                            allocation_id=result.allocation_id, child_id=result.child_id)
    problems = list(result.problems)
    completed = result.fields.get("completed_on")
    if result.readable and isinstance(completed, date) and completed > as_of:
        problems.append(_cell_problem(result, "the audit's completion date is after the "
                                      f"extract date {as_of.isoformat()}: check the date"))
    if problems:
        outcome.problems = problems
        return outcome
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        with store.transaction() as conn:
            outcome.status = _store(store, conn, result, path.name, digest, actor, replace)
    except _Refused as refused:
        outcome.status = "refused"
        outcome.problems = refused.problems
        return outcome
    outcome.grade = result.fields["grade"]
    outcome.completed_date = completed
    outcome.escalation = bool(result.fields["concern"]["found"])
    outcome.actions = len(result.fields["actions"])
    return outcome


def _cell_problem(result: ToolkitResult, why: str, field_name: str = "completed_on") -> Problem:
    from ..sampling.toolkit_layout import SHEET

    return Problem(SHEET, result.input_refs.get(field_name), why)


def _check(conn: Connection, result: ToolkitResult, replace: bool) -> tuple[dict[str, Any],
                                                                          dict[str, Any] | None]:
    """The allocation and its current audit, or ``_Refused`` saying why not."""
    alloc_id = str(result.allocation_id)
    row = conn.execute(select(s.allocations).where(s.allocations.c.allocation_id == alloc_id)
                       ).mappings().first()
    if row is None:
        raise _Refused(Problem("_meta", None, f"allocation {alloc_id} is not in this audit "
                               "store: check --db, or the toolkit is not one of ours"))
    alloc = dict(row)
    state = alloc["state"]
    if state in ("replaced", "withdrawn"):
        why = f"allocation {alloc_id} was {state}, so its toolkit is void and cannot be imported"
        if alloc.get("replaced_by"):
            why += f" (the case was replaced by {alloc['replaced_by']})"
        raise _Refused(Problem("_meta", None, why))
    issued = alloc.get("template_checksum")
    if issued and issued != result.checksum:
        raise _Refused(Problem("_meta", None, f"the template checksum is not the one issued "
                               f"for {alloc_id}: use the toolkit that was sent out"))
    if alloc["child_id"] != result.child_id or alloc["category"] != result.category:
        raise _Refused(Problem("_meta", None, f"the toolkit's child or category does not "
                               f"match allocation {alloc_id} in the store"))
    completed = result.fields["completed_on"]
    if completed < alloc["issued_date"]:
        raise _Refused(_cell_problem(result, "the audit's completion date is before the "
                                     f"toolkit was issued ({alloc['issued_date']:%d/%m/%Y})"))
    current = conn.execute(select(s.audits).where(and_(
        s.audits.c.allocation_id == alloc_id, s.audits.c.current.is_(True)))).mappings().first()
    if current is not None and not replace:
        raise _Refused(Problem(None, None, f"allocation {alloc_id} was already imported on "
                               f"{current['imported_at']:%Y-%m-%d} from "
                               f"{current['file_name']}: use --replace to replace it (the "
                               "earlier audit is kept as history)"))
    return alloc, dict(current) if current is not None else None


def _store(store: Store, conn: Connection, result: ToolkitResult, file_name: str, digest: str,
           actor: str, replace: bool) -> str:
    from .review_common import insert_id

    alloc, previous = _check(conn, result, replace)
    f = result.fields
    alloc_id = alloc["allocation_id"]
    now = utcnow()
    if previous is not None:
        conn.execute(s.audits.update().where(s.audits.c.id == previous["id"])
                     .values(current=False, superseded_at=now))
        dropped = _drop_open_toolkit_actions(conn, previous["id"])
        store.log(conn, actor, "audits", alloc_id, "superseded",
                  reason="toolkit imported again with --replace",
                  details={"audit_id": previous["id"], "file": previous["file_name"],
                           "grade": previous["grade"], "open_actions_dropped": dropped})
    concern, family = f["concern"], f["family"] or {}
    audit_id = insert_id(conn, s.audits.insert().values(
        allocation_id=alloc_id, imported_at=now, imported_by=actor, file_name=file_name,
        file_sha256=digest, template_checksum=result.checksum, auditor_id=alloc["auditor_id"],
        completed_date=f["completed_on"], grade=f["grade"], rationale=f["rationale"],
        strengths=f["strengths"], improvements=f["improvements"],
        immediate_concern=bool(concern["found"]), concern_identified_on=concern["identified_on"],
        concern_told=concern["told"], concern_told_on=concern["told_on"],
        family_contact_done=family.get("done"), family_contact_by_role=family.get("by_role"),
        family_contact_method=family.get("method"), family_contact_consent=family.get("consent"),
        family_views=family.get("views"),
        family_contact_not_done_reason=family.get("not_done_reason"), current=True))
    if f["scores"]:
        conn.execute(s.audit_scores.insert(), [{"audit_id": audit_id, **r} for r in f["scores"]])
    if f["questions"]:
        conn.execute(s.audit_questions.insert(),
                     [{"audit_id": audit_id, **q} for q in f["questions"]])
    m = f["meeting"]
    conn.execute(s.meetings.insert().values(
        allocation_id=alloc_id, audit_id=audit_id, held=bool(m["held"]), held_on=m["held_on"],
        attendees=m["attendees"], joint=m["joint"], worker_comments=m["worker_comments"],
        manager_comments=m["manager_comments"],
        minutes=f"Not held: {m['not_held_reason']}" if m["not_held_reason"] else None,
        recorded_by=actor, recorded_at=now))
    for a in f["actions"]:
        conn.execute(s.actions.insert().values(
            allocation_id=alloc_id, audit_id=audit_id, child_id=alloc["child_id"],
            description=a["what"], owner_id=a["owner"], due_date=a["due"],
            created_on=f["completed_on"], source="toolkit"))
    escalation = _escalate(store, conn, alloc, concern, actor, now) if concern["found"] \
        else None
    conn.execute(s.allocations.update().where(s.allocations.c.allocation_id == alloc_id).values(
        state="completed", state_reason="toolkit imported", state_changed_at=now,
        state_changed_by=actor))
    status = "replaced" if previous is not None else "stored"
    store.log(conn, actor, "audits", alloc_id, "reimported" if previous else "imported",
              details={"audit_id": audit_id, "file": file_name, "sha256": digest,
                       "grade": f["grade"], "completed_date": f["completed_on"],
                       "previous_state": alloc["state"], "escalation_id": escalation,
                       "actions": len(f["actions"])})
    return status


def _drop_open_toolkit_actions(conn: Connection, audit_id: int) -> list[dict[str, Any]]:
    """Open actions from the superseded toolkit give way to the new toolkit's; completed or
    signed-off ones stay. What was dropped goes into the change log."""
    a = s.actions
    open_rows = conn.execute(select(a).where(and_(
        a.c.audit_id == audit_id, a.c.source == "toolkit", a.c.completed_on.is_(None),
        a.c.signed_off_on.is_(None)))).mappings().all()
    if open_rows:
        conn.execute(a.delete().where(a.c.id.in_([r["id"] for r in open_rows])))
    return [{"id": r["id"], "owner": r["owner_id"], "due_date": r["due_date"]} for r in open_rows]


def _escalate(store: Store, conn: Connection, alloc: dict[str, Any], concern: dict[str, Any],
              actor: str, now: Any) -> int:
    """The immediate concern as an escalation, unless it was recorded already (``audits
    escalate`` before the toolkit came back, or an earlier import): same child, same date."""
    from .review_common import insert_id

    e = s.escalations
    existing = conn.execute(select(e.c.id).where(and_(
        e.c.child_id == alloc["child_id"], e.c.identified_on == concern["identified_on"]))
    ).scalars().first()
    if existing is not None:
        return int(existing)
    new_id = insert_id(conn, e.insert().values(
        allocation_id=alloc["allocation_id"], child_id=alloc["child_id"],
        identified_on=concern["identified_on"], told_staff_id=concern["told"],
        told_on=concern["told_on"], summary="Immediate concern recorded in the audit toolkit.",
        recorded_by=actor, recorded_at=now))
    store.log(conn, actor, "escalations", new_id, "escalated",
              reason="immediate concern in an imported toolkit",
              details={"allocation_id": alloc["allocation_id"], "child_id": alloc["child_id"],
                       "identified_on": concern["identified_on"], "told": concern["told"],
                       "told_on": concern["told_on"]})
    return new_id
