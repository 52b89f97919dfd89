"""Who may do what in the review stage of the audit cycle (``docs/audit-cycle.md``).

Roles come from the extract's ``staff`` table (the source of truth); the store only keeps
snapshots of auditors as they were when allocated. The directory is a plain mapping so the
rules can be tested without an extract.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..contract import TIER2_AUDITOR_ROLES as TIER2_AUDITOR_ROLES  # re-exported
from ..errors import UserError

if TYPE_CHECKING:
    import pandas as pd

TIER2_MODERATOR_ROLES = TIER2_AUDITOR_ROLES | {"pdqa_coordinator", "associate_director"}
"""The framework: 'Moderation by managers, Deputy Managers, SLT & Associate Director'; the
PDQA co-ordinator 'will also complete a number of ... Audit Moderations'."""

SQA_ROLES = frozenset({"csm", "iro", "pdqa_coordinator"})
"""Members of the Safeguarding & Quality Assurance unit who moderate a Tier 3 audit."""

MODERATOR_PRIORITY = {
    "service_manager": 0,
    "pdqa_coordinator": 1,
    "deputy_manager": 2,
    "team_manager": 3,
    "csm": 4,
    "iro": 4,
    "associate_director": 5,
}
"""Who is offered a moderation first: service managers (it counts instead of their audit),
then the PDQA co-ordinator who oversees moderation, then other managers."""


@dataclass(frozen=True)
class StaffMember:
    staff_id: str
    role: str
    team: str | None = None
    active: bool = True
    auditor: bool = False
    email: str | None = None
    display_name: str | None = None

    @property
    def label(self) -> str:
        return f"{self.staff_id} ({self.display_name})" if self.display_name else self.staff_id


StaffDirectory = Mapping[str, StaffMember]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    text = str(value).strip()
    return text or None


def _flag(value: Any, default: bool) -> bool:
    if value is None:
        return default
    try:
        import pandas as pd

        if pd.isna(value):
            return default
    except (TypeError, ValueError):
        pass
    return bool(value)


def directory_from_frame(frame: pd.DataFrame) -> dict[str, StaffMember]:
    """The staff table (a few dozen rows) as a directory keyed by staff_id.

    ``active`` blank means active (the data contract); ``auditor`` blank means not flagged.
    """
    cols = [c for c in ("staff_id", "role", "team", "active", "auditor", "email",
                        "display_name") if c in frame.columns]
    out: dict[str, StaffMember] = {}
    for rec in frame[cols].to_dict("records"):
        sid = _text(rec.get("staff_id"))
        role = _text(rec.get("role"))
        if sid is None or role is None:
            continue
        out[sid] = StaffMember(
            staff_id=sid,
            role=role,
            team=_text(rec.get("team")),
            active=_flag(rec.get("active"), True),
            auditor=_flag(rec.get("auditor"), False),
            email=_text(rec.get("email")),
            display_name=_text(rec.get("display_name")),
        )
    return out


def directory_from_members(members: Iterable[StaffMember]) -> dict[str, StaffMember]:
    return {m.staff_id: m for m in members}


def same_team(a: str | None, b: str | None) -> bool:
    """Teams compared trimmed and case-insensitively (as the sampler does)."""
    if a is None or b is None:
        return False
    return a.strip().casefold() == b.strip().casefold()


def lookup(staff: StaffDirectory, staff_id: str, option: str = "--by") -> StaffMember:
    member = staff.get(staff_id.strip())
    if member is None:
        raise UserError(
            f"{option} {staff_id}: no such staff member in the extract's staff table. Check "
            "the staff id (e.g. S010) or point --data at the latest extract."
        )
    return member


def require_role(
    staff: StaffDirectory,
    staff_id: str,
    roles: Iterable[str],
    action: str,
    option: str = "--by",
) -> StaffMember:
    """The staff member, or a ``UserError`` saying which roles may ``action``."""
    member = lookup(staff, staff_id, option)
    allowed = sorted(set(roles))
    if member.role not in allowed:
        raise UserError(
            f"{option} {member.staff_id} has the role {member.role}; only "
            f"{' or '.join(allowed)} may {action}. Ask the right person to run this, "
            f"giving their own staff id with {option}."
        )
    if not member.active:
        raise UserError(
            f"{option} {member.staff_id} is not active in the staff table, so cannot {action}."
        )
    return member


def expected_auditors(staff: StaffDirectory) -> list[StaffMember]:
    """Active staff expected to audit every month: the Tier 2 roles plus nominated auditors."""
    return sorted(
        (m for m in staff.values()
         if m.active and (m.role in TIER2_AUDITOR_ROLES or m.auditor)),
        key=lambda m: m.staff_id,
    )


def supervising_manager(staff: StaffDirectory, team: str | None) -> StaffMember | None:
    """The team's team_manager (lowest staff id when a team lists more than one)."""
    if team is None:
        return None
    managers = sorted(
        (m for m in staff.values()
         if m.role == "team_manager" and same_team(m.team, team) and m.active),
        key=lambda m: m.staff_id,
    )
    return managers[0] if managers else None
