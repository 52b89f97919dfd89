"""The canonical extract (``docs/data-contract.md``) as data.

Every table, its columns, their types, which are required and what must be unique. The
loader validates against this; the KPI engine checks its definitions against it; the
synthetic generator writes it. Nothing here imports pandas, so the CLI can read it cheaply.

Typed frames produced by the loader use these dtypes:

* ``key`` / ``text`` / ``enum`` / ``code``: pandas ``str`` (missing = NA). Enumerations are
  lower-case, codes upper-case.
* ``date``: ``datetime64`` normalised to midnight (missing = NaT).
* ``bool``: pandas nullable ``boolean`` (missing = NA = unknown).
* ``int``: pandas nullable ``Int64``.

Every frame also carries ``_row``: the row a person finds the record on (CSV line where the
record starts, header = line 1; or the sheet row in a workbook).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

ColumnType = Literal["key", "text", "date", "bool", "enum", "code", "int"]

ROW = "_row"
CHILD_CODE = "_c"
"""Integer code of the row's child_id, shared by every table (``ingest/child_codes.py``)."""


class Column(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    type: ColumnType
    required: bool = False
    values: tuple[str, ...] = ()
    """Allowed values for ``enum`` / ``code`` columns (canonical spelling)."""


class Table(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    date_pairs: tuple[tuple[str, str], ...] = ()
    """(earlier, later) column pairs checked for ``end-before-start``."""
    start_dates: tuple[str, ...] = ()
    """Date columns that are start/event dates: a future value is an error."""
    end_dates: tuple[str, ...] = ()
    """Date columns that are end/return dates: a future value is a warning, read as blank."""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def has(self, name: str) -> bool:
        return name in self.column_names


def _c(
    name: str, type_: ColumnType, required: bool = False, values: tuple[str, ...] = ()
) -> Column:
    return Column(name=name, type=type_, required=required, values=values)


def _key(name: str) -> Column:
    return _c(name, "key", required=True)


CHILD = _key("child_id")
GENDERS = ("male", "female", "other", "unknown")
ROLES = (
    "social_worker",
    "senior_practitioner",
    "team_manager",
    "deputy_manager",
    "service_manager",
    "csm",
    "iro",
    "pdqa_coordinator",
    "information_officer",
    "associate_director",
)
TIER2_AUDITOR_ROLES = frozenset(
    {"team_manager", "deputy_manager", "service_manager", "csm", "iro"}
)
"""Roles that audit (Tier 2) every month (audit-cycle.md, "Who audits"); anyone flagged
``auditor`` audits too."""
CONTACT_OUTCOMES = ("referral", "early_help", "advice", "nfa", "other")
EH_END_REASONS = ("step_up", "completed", "disengaged", "moved_away", "other")
S47_OUTCOMES = ("icpc", "cin", "nfa", "other")
CONFERENCE_TYPES = ("initial", "review")
CP_CATEGORIES = ("neglect", "physical", "emotional", "sexual", "multiple")
VISIT_TYPES = ("cp", "cin", "cic", "care_leaver", "other")
PARTICIPATION = tuple(f"PN{i}" for i in range(8))
CARE_LEAVER_STATUS = ("eligible", "relevant", "former_relevant")
CARE_LEAVER_ACTIVITY = ("education", "employment", "training", "neet", "unknown")
REVIEW_TYPES = ("rapid_review", "serious_case_review", "cspr", "other")
COMPLAINT_OUTCOMES = ("upheld", "partly_upheld", "not_upheld", "withdrawn")

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        # People and case holding
        Table(
            name="children",
            columns=(
                CHILD,
                _c("date_of_birth", "date"),
                _c("gender", "enum", values=GENDERS),
                _c("ethnicity", "text"),
                _c("disability", "bool"),
                _c("family_id", "key"),
            ),
            key=("child_id",),
        ),
        Table(
            name="allocations",
            columns=(
                CHILD,
                _c("team", "text", required=True),
                _c("worker_id", "key"),
                _c("start_date", "date", required=True),
                _c("end_date", "date"),
            ),
            key=("child_id", "start_date"),
            date_pairs=(("start_date", "end_date"),),
            start_dates=("start_date",),
            end_dates=("end_date",),
        ),
        Table(
            name="staff",
            columns=(
                _key("staff_id"),
                _c("role", "enum", required=True, values=ROLES),
                _c("team", "text"),
                _c("active", "bool"),
                _c("auditor", "bool"),
                _c("email", "text"),
                _c("display_name", "text"),
            ),
            key=("staff_id",),
        ),
        Table(
            name="population",
            columns=(_c("year", "int", required=True), _c("population_0_17", "int", required=True)),
            key=("year",),
        ),
        # Front door and early help
        Table(
            name="contacts",
            columns=(
                _key("contact_id"),
                CHILD,
                _c("received_date", "date", required=True),
                _c("completed_date", "date"),
                _c("outcome", "enum", values=CONTACT_OUTCOMES),
            ),
            key=("contact_id",),
            date_pairs=(("received_date", "completed_date"),),
            start_dates=("received_date",),
            end_dates=("completed_date",),
        ),
        Table(
            name="referrals",
            columns=(
                _key("referral_id"),
                CHILD,
                _c("referral_date", "date", required=True),
                _c("decision_date", "date"),
                _c("source", "text"),
            ),
            key=("referral_id",),
            date_pairs=(("referral_date", "decision_date"),),
            start_dates=("referral_date",),
            end_dates=("decision_date",),
        ),
        Table(
            name="early_help",
            columns=(
                _key("episode_id"),
                CHILD,
                _c("start_date", "date", required=True),
                _c("end_date", "date"),
                _c("end_reason", "enum", values=EH_END_REASONS),
            ),
            key=("episode_id",),
            date_pairs=(("start_date", "end_date"),),
            start_dates=("start_date",),
            end_dates=("end_date",),
        ),
        Table(
            name="assessments",
            columns=(
                _key("assessment_id"),
                CHILD,
                _c("start_date", "date", required=True),
                _c("completed_date", "date"),
                _c("additional_needs", "bool"),
            ),
            key=("assessment_id",),
            date_pairs=(("start_date", "completed_date"),),
            start_dates=("start_date",),
            end_dates=("completed_date",),
        ),
        # Child protection
        Table(
            name="s47_enquiries",
            columns=(
                _key("enquiry_id"),
                CHILD,
                _c("strategy_date", "date", required=True),
                _c("start_date", "date"),
                _c("end_date", "date"),
                _c("outcome", "enum", values=S47_OUTCOMES),
            ),
            key=("enquiry_id",),
            date_pairs=(("strategy_date", "start_date"), ("start_date", "end_date")),
            start_dates=("strategy_date", "start_date"),
            end_dates=("end_date",),
        ),
        Table(
            name="cp_conferences",
            columns=(
                _key("conference_id"),
                CHILD,
                _c("conference_type", "enum", required=True, values=CONFERENCE_TYPES),
                _c("conference_date", "date", required=True),
                _c("enquiry_id", "key"),
                _c("plan_outcome", "bool"),
                _c("child_attended", "bool"),
                _c("child_views_presented", "bool"),
                _c("parents_attended", "bool"),
                _c("chair_id", "key"),
            ),
            key=("conference_id",),
            start_dates=("conference_date",),
        ),
        Table(
            name="cp_plans",
            columns=(
                _key("plan_id"),
                CHILD,
                _c("start_date", "date", required=True),
                _c("end_date", "date"),
                _c("category", "enum", values=CP_CATEGORIES),
            ),
            key=("plan_id",),
            date_pairs=(("start_date", "end_date"),),
            start_dates=("start_date",),
            end_dates=("end_date",),
        ),
        Table(
            name="visits",
            columns=(
                _key("visit_id"),
                CHILD,
                _c("visit_date", "date", required=True),
                _c("visit_type", "enum", required=True, values=VISIT_TYPES),
                _c("seen", "bool"),
                _c("seen_alone", "bool"),
            ),
            key=("visit_id",),
            start_dates=("visit_date",),
        ),
        # Children in need
        Table(
            name="cin_plans",
            columns=(
                _key("plan_id"),
                CHILD,
                _c("start_date", "date", required=True),
                _c("end_date", "date"),
            ),
            key=("plan_id",),
            date_pairs=(("start_date", "end_date"),),
            start_dates=("start_date",),
            end_dates=("end_date",),
        ),
        Table(
            name="cin_reviews",
            columns=(
                _key("review_id"),
                _key("plan_id"),
                CHILD,
                _c("review_date", "date", required=True),
            ),
            key=("review_id",),
            start_dates=("review_date",),
        ),
        # Children in care
        Table(
            name="cic_episodes",
            columns=(
                _key("episode_id"),
                CHILD,
                _c("start_date", "date", required=True),
                _c("end_date", "date"),
                _c("legal_status", "text"),
                _c("full_time", "bool"),
            ),
            key=("episode_id",),
            date_pairs=(("start_date", "end_date"),),
            start_dates=("start_date",),
            end_dates=("end_date",),
        ),
        Table(
            name="placements",
            columns=(
                _key("placement_id"),
                CHILD,
                _c("start_date", "date", required=True),
                _c("end_date", "date"),
                _c("placement_type", "text"),
                _c("off_island", "bool"),
                _c("carer_id", "key"),
            ),
            key=("placement_id",),
            date_pairs=(("start_date", "end_date"),),
            start_dates=("start_date",),
            end_dates=("end_date",),
        ),
        Table(
            name="missing_episodes",
            columns=(
                _key("episode_id"),
                CHILD,
                _c("start_date", "date", required=True),
                _c("return_date", "date"),
                _c("return_interview_date", "date"),
                _c("interview_offered", "bool"),
            ),
            key=("episode_id",),
            date_pairs=(("start_date", "return_date"), ("return_date", "return_interview_date")),
            start_dates=("start_date",),
            end_dates=("return_date", "return_interview_date"),
        ),
        Table(
            name="cic_reviews",
            columns=(
                _key("review_id"),
                CHILD,
                _c("review_date", "date", required=True),
                _c("participation", "code", values=PARTICIPATION),
                _c("chair_id", "key"),
            ),
            key=("review_id",),
            start_dates=("review_date",),
        ),
        Table(
            name="care_plans",
            columns=(_key("plan_id"), CHILD, _c("plan_date", "date", required=True)),
            key=("plan_id",),
            start_dates=("plan_date",),
        ),
        Table(
            name="pathway_plans",
            columns=(_key("plan_id"), CHILD, _c("plan_date", "date", required=True)),
            key=("plan_id",),
            start_dates=("plan_date",),
        ),
        Table(
            name="care_leavers",
            columns=(
                CHILD,
                _c("status", "enum", required=True, values=CARE_LEAVER_STATUS),
                _c("activity", "enum", values=CARE_LEAVER_ACTIVITY),
                _c("activity_date", "date"),
            ),
            key=("child_id",),
            start_dates=("activity_date",),
        ),
        Table(
            name="foster_households",
            columns=(
                _key("household_id"),
                _c("approval_date", "date", required=True),
                _c("deregistration_date", "date"),
            ),
            key=("household_id",),
            date_pairs=(("approval_date", "deregistration_date"),),
            start_dates=("approval_date",),
            end_dates=("deregistration_date",),
        ),
        # Disability service
        Table(
            name="cds_involvements",
            columns=(CHILD, _c("start_date", "date", required=True), _c("end_date", "date")),
            key=("child_id", "start_date"),
            date_pairs=(("start_date", "end_date"),),
            start_dates=("start_date",),
            end_dates=("end_date",),
        ),
        Table(
            name="short_breaks",
            columns=(CHILD, _c("start_date", "date", required=True), _c("end_date", "date")),
            key=("child_id", "start_date"),
            date_pairs=(("start_date", "end_date"),),
            start_dates=("start_date",),
            end_dates=("end_date",),
        ),
        # Learning and complaints
        Table(
            name="practice_reviews",
            columns=(
                _key("review_id"),
                _c("review_type", "enum", required=True, values=REVIEW_TYPES),
                _c("start_date", "date", required=True),
                _c("child_id", "key"),
            ),
            key=("review_id",),
            start_dates=("start_date",),
        ),
        Table(
            name="complaints",
            columns=(
                _key("complaint_id"),
                _c("received_date", "date", required=True),
                _c("team", "text"),
                _c("child_id", "key"),
                _c("category", "text"),
                _c("response_due_date", "date"),
                _c("responded_date", "date"),
                _c("outcome", "enum", values=COMPLAINT_OUTCOMES),
            ),
            key=("complaint_id",),
            date_pairs=(("received_date", "responded_date"),),
            start_dates=("received_date",),
            end_dates=("responded_date",),
        ),
    ]
}

REQUIRED_TABLES = ("children",)

NAME_COLUMNS = frozenset(
    {
        "forename",
        "forenames",
        "surname",
        "first_name",
        "firstname",
        "last_name",
        "lastname",
        "middle_name",
        "middle_names",
        "name",
        "full_name",
        "fullname",
        "preferred_name",
        "known_as",
        "child_name",
        "mother_name",
        "father_name",
        "parent_name",
        "carer_name",
        "family_name",
        "given_name",
        "maiden_name",
        "alias",
    }
)
"""Headers (after normalisation) that hold a person's name. Dropped at load, counted, never
echoed. ``staff.display_name`` is the one name kept (staff, never children)."""


def is_name_column(table: str, header: str) -> bool:
    """True when a normalised header holds a child's or family member's name."""
    if table == "staff" and header == "display_name":
        return False
    if header in NAME_COLUMNS:
        return True
    return header.endswith(("_forename", "_surname", "_first_name", "_last_name", "_full_name"))
