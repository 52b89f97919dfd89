"""The audit store's tables (SQLAlchemy Core, one ``metadata``), portable to SQLite and
PostgreSQL.

Conventions every writer follows:

- Dates people reason about (Day 1, due, completed, told on) are ``Date``; instants (when a
  row was written) are ``UtcDateTime``: timezone-aware UTC in and out, on both databases.
- Staff are referred to by ``staff_id``; where the framework needs to know who someone *was*
  (auditor, moderator) the row keeps a snapshot of name, role, team and email as they were.
- Children by ``child_id`` only. No child's or family member's name is ever stored.
- Allocation ids are text ``YYYY-MM-NNN`` (``2026-11-001``); see ``store.next_allocation_id``.
- ``allocations.state``: ``issued`` and ``reassigned`` are open (a toolkit may be imported);
  ``completed``, ``withdrawn`` and ``replaced`` are closed. A replaced allocation's toolkit is
  void: import must refuse it.
- ``audits.current``: exactly one current audit per allocation; ``--replace`` keeps the old
  row with ``current = false`` (history).
- Every change writes a ``change_log`` row in the same transaction (``Store.log``).

To change the schema: edit the tables here AND append a step to ``migrations.STEPS`` that
brings an older store to the same shape (a fresh store is created straight from this module).
"""
# SCHEMA READY

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator

OPEN_STATES = ("issued", "reassigned")
CLOSED_STATES = ("completed", "withdrawn", "replaced")
ALLOCATION_STATES = OPEN_STATES + CLOSED_STATES
RUN_STATUSES = ("active", "superseded")
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
SCORES = ("met", "partly_met", "not_met", "not_evidenced", "not_applicable")
EXCLUSION_REASONS = ("recently_audited", "open_audit", "sibling_in_sample")


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC instant on both SQLite (which stores no zone) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UtcDateTime needs a timezone-aware datetime (use store.utcnow())")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _id() -> Column[Any]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _alloc_fk(nullable: bool = False) -> Column[Any]:
    return Column(
        "allocation_id", String(16), ForeignKey("allocations.allocation_id"),
        nullable=nullable, index=True,
    )


def _recorded() -> list[Column[Any]]:
    return [Column("recorded_by", String(128)), Column("recorded_at", UtcDateTime)]


schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(200), nullable=False),
    Column("applied_at", UtcDateTime, nullable=False),
)

# ---- Issue 4: sampling runs and allocations ---------------------------------------------

sampling_runs = Table(
    "sampling_runs", metadata,
    _id(),
    Column("month", String(7), nullable=False, index=True),  # YYYY-MM
    Column("seed", BigInteger, nullable=False),  # 0 <= seed < 2**63
    Column("as_of", Date, nullable=False),  # extract date the sample was drawn from
    Column("day1", Date, nullable=False),
    Column("issued_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("size", Integer, nullable=False),
    Column("drawn_at", UtcDateTime, nullable=False),
    Column("drawn_by", String(128), nullable=False),
    Column("data_source", String(500)),  # path of the extract (never its content)
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("settings", JSON, nullable=False),  # the AuditSettings and options used
    Column("population", JSON, nullable=False),  # {"total", "excluded": {...}, "strata": [...]}
    Column("status", String(16), nullable=False, default="active"),
    Column("redraw_reason", Text),
    Column("superseded_by", Integer, ForeignKey("sampling_runs.id")),
    Index("uq_sampling_runs_active_month", "month", unique=True,
          sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
)

run_population = Table(
    "run_population", metadata,
    # Every child in the population on Day 1, eligible or not: caseload over the audit year
    # (distinct children at any Day 1) and reproducible replacement draws come from here.
    Column("run_id", Integer, ForeignKey("sampling_runs.id"), primary_key=True),
    Column("child_id", String(64), primary_key=True),
    Column("family_id", String(64)),
    Column("category", String(32), nullable=False),
    Column("team", String(200), nullable=False),
    Column("worker_id", String(64)),
    Column("stratum", String(250), nullable=False),  # "category|team"
    Column("eligible", Boolean, nullable=False),  # False: see sample_exclusions
)

sample_exclusions = Table(
    "sample_exclusions", metadata,
    _id(),
    Column("run_id", Integer, ForeignKey("sampling_runs.id"), nullable=False, index=True),
    Column("child_id", String(64), nullable=False),
    Column("reason", String(64), nullable=False),  # EXCLUSION_REASONS or a site's own
    Column("detail", Text),
)

run_auditors = Table(
    "run_auditors", metadata,
    # Who could audit this month (snapshot): the base for non-compliance.
    Column("run_id", Integer, ForeignKey("sampling_runs.id"), primary_key=True),
    Column("staff_id", String(64), primary_key=True),
    Column("display_name", String(200)),
    Column("role", String(64)),
    Column("team", String(200)),
    Column("email", String(320)),
    Column("available", Boolean, nullable=False),  # False: exempt (see auditor_exemptions)
)

auditor_exemptions = Table(
    "auditor_exemptions", metadata,
    _id(),
    Column("run_id", Integer, ForeignKey("sampling_runs.id"), nullable=False, index=True),
    Column("staff_id", String(64), nullable=False),
    Column("reason", String(64), nullable=False),  # excluded, on_leave, unmatched, ...
    Column("detail", Text),
)

allocations = Table(
    "allocations", metadata,
    Column("allocation_id", String(16), primary_key=True),  # 2026-11-001
    Column("run_id", Integer, ForeignKey("sampling_runs.id"), index=True),  # None: added later
    Column("month", String(7), nullable=False, index=True),
    Column("tier", Integer, nullable=False, default=2),  # 2 or 3
    Column("child_id", String(64), nullable=False, index=True),
    Column("category", String(32), nullable=False),
    Column("team", String(200), nullable=False),
    Column("worker_id", String(64)),
    Column("supervising_manager_id", String(64)),
    Column("stratum", String(250)),
    Column("legal_status", String(100)),
    Column("placement", String(100)),
    # the auditor, as they were when (re)assigned
    Column("auditor_id", String(64), nullable=False, index=True),
    Column("auditor_name", String(200)),
    Column("auditor_role", String(64)),
    Column("auditor_team", String(200)),
    Column("auditor_email", String(320)),
    Column("issued_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("family_contact", Boolean, nullable=False, default=False),
    Column("family_contact_declined_reason", Text),
    Column("family_contact_declined_by", String(128)),
    Column("family_contact_declined_on", Date),
    Column("moderation_required", Boolean, nullable=False, default=False),
    Column("state", String(16), nullable=False, default="issued"),  # ALLOCATION_STATES
    Column("state_reason", Text),
    Column("state_changed_at", UtcDateTime),
    Column("state_changed_by", String(128)),
    Column("replaced_by", String(16), ForeignKey("allocations.allocation_id")),
    Column("replaces", String(16), ForeignKey("allocations.allocation_id")),
    Column("toolkit_path", String(1000)),
    Column("template_checksum", String(128)),
    Column("reaudit_of", String(16), ForeignKey("allocations.allocation_id")),
    Column("reaudit_reason", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(128)),
)

allocation_reassignments = Table(
    "allocation_reassignments", metadata,
    # Each change of auditor, with both people as they were. The previous auditor counts as
    # exempt (reassigned) for the month's compliance.
    _id(),
    _alloc_fk(),
    Column("from_staff_id", String(64), nullable=False),
    Column("from_name", String(200)),
    Column("from_role", String(64)),
    Column("from_team", String(200)),
    Column("to_staff_id", String(64), nullable=False),
    Column("to_name", String(200)),
    Column("to_role", String(64)),
    Column("to_team", String(200)),
    Column("to_email", String(320)),
    Column("reason", Text, nullable=False),
    *_recorded(),
)

# ---- Issue 5: completed audits and what follows --------------------------------------------

audits = Table(
    "audits", metadata,
    _id(),
    _alloc_fk(),
    Column("imported_at", UtcDateTime, nullable=False),
    Column("imported_by", String(128), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("file_sha256", String(64), nullable=False, index=True),
    Column("template_checksum", String(128)),
    Column("auditor_id", String(64)),  # who completed it (normally the allocation's auditor)
    Column("completed_date", Date),
    Column("grade", String(32)),  # GRADES, as recorded by the auditor
    Column("rationale", Text),
    Column("strengths", Text),
    Column("improvements", Text),
    Column("immediate_concern", Boolean, nullable=False, default=False),
    Column("concern_identified_on", Date),
    Column("concern_told", String(200)),  # staff id or role of whoever was told
    Column("concern_told_on", Date),
    Column("family_contact_done", Boolean),
    Column("family_contact_by_role", String(100)),
    Column("family_contact_method", String(100)),
    Column("family_contact_consent", Boolean),
    Column("family_views", Text),
    Column("family_contact_not_done_reason", Text),
    Column("current", Boolean, nullable=False, default=True),
    Column("superseded_at", UtcDateTime),
    Index("uq_audits_current_allocation", "allocation_id", unique=True,
          sqlite_where=text("current"), postgresql_where=text("current")),
)

audit_scores = Table(
    "audit_scores", metadata,
    _id(),
    Column("audit_id", Integer, ForeignKey("audits.id"), nullable=False, index=True),
    Column("standard_id", String(16), nullable=False),  # text: "1.10" is not "1.1"
    Column("score", String(32), nullable=False),  # SCORES
    Column("evidence", Text),
    UniqueConstraint("audit_id", "standard_id"),
)

audit_questions = Table(
    "audit_questions", metadata,
    _id(),
    Column("audit_id", Integer, ForeignKey("audits.id"), nullable=False, index=True),
    Column("question", String(64), nullable=False),  # safe, better_off, voice, drift, oversight
    Column("judgement", String(64)),
    Column("evidence", Text),
    UniqueConstraint("audit_id", "question"),
)

moderations = Table(
    "moderations", metadata,
    _id(),
    _alloc_fk(),
    Column("audit_id", Integer, ForeignKey("audits.id")),
    Column("tier", Integer, nullable=False, default=2),
    Column("moderator_id", String(64), nullable=False, index=True),
    Column("moderator_name", String(200)),
    Column("moderator_role", String(64)),
    Column("moderator_team", String(200)),
    Column("moderated_on", Date, nullable=False),
    Column("grade", String(32), nullable=False),
    Column("agree", Boolean, nullable=False),
    Column("notes", Text),
    Column("current", Boolean, nullable=False, default=True),
    *_recorded(),
)

disputes = Table(
    "disputes", metadata,
    _id(),
    _alloc_fk(),
    Column("raised_by", String(64), nullable=False),
    Column("raised_on", Date, nullable=False),
    Column("grade_before", String(32)),
    Column("grade_after", String(32)),
    Column("evidence", Text),
    Column("outcome", String(32)),  # None while open; upheld, partly_upheld, not_upheld
    Column("decided_by", String(64)),
    Column("decided_on", Date),
    *_recorded(),
)

meetings = Table(
    "meetings", metadata,
    _id(),
    _alloc_fk(),
    Column("audit_id", Integer, ForeignKey("audits.id")),
    Column("held", Boolean, nullable=False),
    Column("held_on", Date),
    Column("attendees", JSON),  # list of staff ids or roles
    Column("joint", Boolean),
    Column("worker_comments", Text),
    Column("manager_comments", Text),
    Column("minutes", Text),
    *_recorded(),
)

escalations = Table(
    "escalations", metadata,
    _id(),
    _alloc_fk(nullable=True),
    Column("child_id", String(64), nullable=False, index=True),
    Column("identified_on", Date, nullable=False),
    Column("told_staff_id", String(64), nullable=False),
    Column("told_on", Date, nullable=False),
    Column("summary", Text),  # no names
    Column("recorded_by", String(128), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("acknowledged_by", String(64)),
    Column("acknowledged_on", Date),
)

actions = Table(
    "actions", metadata,
    _id(),
    _alloc_fk(nullable=True),
    Column("audit_id", Integer, ForeignKey("audits.id")),
    Column("child_id", String(64), nullable=False, index=True),
    Column("description", Text, nullable=False),
    Column("owner_id", String(64)),
    Column("due_date", Date),
    Column("created_on", Date, nullable=False),
    Column("source", String(32)),  # toolkit, meeting, tier3, manual
    Column("completed_on", Date),
    Column("completed_by", String(64)),
    Column("signed_off_by", String(64)),
    Column("signed_off_on", Date),
)

tier3_selections = Table(
    "tier3_selections", metadata,
    _id(),
    Column("month", String(7), nullable=False, index=True),
    Column("source_allocation_id", String(16), ForeignKey("allocations.allocation_id")),
    Column("allocation_id", String(16), ForeignKey("allocations.allocation_id")),  # the Tier 3
    Column("proposed", JSON, nullable=False),  # the shortlist offered, in order, with why
    Column("chosen_by", String(64)),
    Column("overridden", Boolean, nullable=False, default=False),
    Column("reason", Text),
    Column("chosen_at", UtcDateTime),
)

moderation_assignments = Table(
    "moderation_assignments", metadata,
    # Who is asked to moderate which audit (``audits moderation-sample --allocate``), with why
    # the audit was chosen; the moderation itself is a ``moderations`` row. Added by migration 2.
    _id(),
    _alloc_fk(),
    Column("moderator_id", String(64)),  # None: nobody eligible (see note)
    Column("moderator_name", String(200)),
    Column("moderator_role", String(64)),
    Column("moderator_team", String(200)),
    Column("reason", String(32), nullable=False),  # inadequate, outstanding, sampled, tier3
    Column("note", Text),
    Column("active", Boolean, nullable=False, default=True),
    *_recorded(),
)

change_log = Table(
    "change_log", metadata,
    _id(),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(128), nullable=False),  # OS user, or --by
    Column("entity", String(64), nullable=False),  # table name, e.g. "allocations"
    Column("entity_id", String(64)),
    Column("action", String(64), nullable=False),  # drawn, reassigned, withdrawn, imported...
    Column("reason", Text),
    Column("details", JSON),
    Index("ix_change_log_entity", "entity", "entity_id"),
)
