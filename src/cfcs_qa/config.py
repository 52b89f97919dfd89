"""Site settings (``cfcs-qa.yaml``): where the extract and store are, how the site's names map
onto the canonical contract, calendar overrides, KPI and audit settings.

Resolution: ``--config FILE``, else ``./cfcs-qa.yaml`` when present, else the defaults.
Errors are reported as ``field: message`` bullets.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError

DEFAULT_CONFIG_NAME = "cfcs-qa.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CalendarSettings(_Strict):
    closures: list[date] = Field(default_factory=list)
    """Extra non-working days (site closures, Alderney days a team follows)."""
    removed: list[date] = Field(default_factory=list)
    """Public holidays the service works anyway."""


class AuditSettings(_Strict):
    due_working_days_before_last: int = 7
    """Due date = this many working days before the month's last working day."""
    pim_working_day: int = 5
    """The PIM report is due by this working day of the next month."""
    governance_week: int = 2
    """The governance meeting sits in this week of the next month."""
    year_start_month: int = Field(default=1, ge=1, le=12)
    monthly_target: int = 10
    yearly_target: int = 125
    family_contact_share: float = Field(default=0.10, ge=0, le=1)
    moderation_share: float = Field(default=0.10, ge=0, le=1)
    lookback_months: int = 12
    extra_categories: list[str] = Field(default_factory=list)
    """Extra sampling categories beyond cp/cic/cin: care_leaver, assessment, cds."""
    role_teams: dict[str, list[str]] = Field(default_factory=dict)
    """Per-role rules: role -> the only teams that role may audit."""


class KpiOverride(_Strict):
    enabled: bool | None = None
    target: float | None = None
    tolerance: float | None = None
    min_denominator: int | None = None
    activity_max_age_months: int | None = None
    """KPI 28 only: ignore care-leaver activity recorded longer ago than this."""


class ReportSettings(_Strict):
    suppress_small: int = 0
    """Published (non-internal) reports show counts below this as '<N'."""
    service_name: str = "Children & Family Community Services"


class Settings(_Strict):
    data: str | None = None
    store: str | None = None
    tables: dict[str, str] = Field(default_factory=dict)
    header_rows: dict[str, int] = Field(default_factory=dict)
    columns: dict[str, dict[str, str]] = Field(default_factory=dict)
    values: dict[str, dict[str, dict[str, str]]] = Field(default_factory=dict)
    teams: dict[str, str] = Field(default_factory=dict)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    kpis: dict[str, KpiOverride] = Field(default_factory=dict)
    """Per-KPI overrides, keyed by number or id."""
    kpi_definitions: str | None = None
    """A site's own KPI file, used instead of the bundled ``kpi_definitions.yaml``."""
    audit: AuditSettings = Field(default_factory=AuditSettings)
    reports: ReportSettings = Field(default_factory=ReportSettings)

    source: str | None = Field(default=None, exclude=True)
    """The file these settings came from (None: defaults)."""

    @field_validator("values", mode="before")
    @classmethod
    def _stringify_values(cls, v: Any) -> Any:
        # YAML reads Y/N/yes/no/true as booleans and 1/0 as ints; the maps compare text.
        if not isinstance(v, dict):
            return v
        out: dict[Any, Any] = {}
        for table, cols in v.items():
            if not isinstance(cols, dict):
                out[table] = cols
                continue
            out[table] = {
                col: ({_yaml_text(k): _yaml_text(val) for k, val in m.items()}
                      if isinstance(m, dict) else m)
                for col, m in cols.items()
            }
        return out

    @field_validator("kpis", mode="before")
    @classmethod
    def _kpi_keys(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): val for k, val in v.items()}
        return v

    def base_dir(self) -> Path:
        return Path(self.source).parent if self.source else Path.cwd()

    def store_url(self) -> str | None:
        """The config's ``store``. A relative SQLite path (``sqlite:///audit.db``) is read from
        the config file's folder, like ``data``, so a cron job started elsewhere with
        ``--config`` finds the same store instead of creating an empty one."""
        if self.store is None or self.source is None:
            return self.store
        scheme, sep, rest = self.store.partition(":///")
        if not sep or not scheme.split("+")[0] == "sqlite":
            return self.store
        path, qmark, query = rest.partition("?")
        if not path or path == ":memory:" or Path(path).expanduser().is_absolute():
            return self.store
        return f"{scheme}:///{self.base_dir() / path}{qmark}{query}"

    def data_path(self) -> Path | None:
        if self.data is None:
            return None
        p = Path(self.data).expanduser()
        return p if p.is_absolute() else self.base_dir() / p


def _yaml_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _bullets(err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        where = ".".join(str(p) for p in e["loc"]) or "(top level)"
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "not a setting cfcs-qa knows (check the spelling)"
        elif isinstance(e.get("input"), str | int | float | bool | list):
            msg += f" (the file has {str(e['input'])[:40]!r})"
        lines.append(f"  - {where}: {msg}")
    return "\n".join(lines)


def parse_settings(text: str, source: str) -> Settings:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(
            f"{source} is not valid YAML{where}: {getattr(exc, 'problem', exc)}. "
            "Fix the file (indentation and colons are the usual culprits) and run again."
        ) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{source} must be a mapping of settings (key: value), not a list or text."
        )
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as err:
        raise ConfigError(
            f"{source} has settings cfcs-qa cannot use:\n{_bullets(err)}\n"
            "Fix these and run again (see README, 'Pointing it at your own extract')."
        ) from None
    settings.source = source
    return settings


def load_settings(config: str | Path | None = None) -> Settings:
    """Settings from ``config``, else ``./cfcs-qa.yaml`` if present, else defaults."""
    if config is not None:
        path = Path(config)
        if not path.is_file():
            raise ConfigError(
                f"The config file {path} does not exist. Give the path of your site's "
                f"{DEFAULT_CONFIG_NAME}, or leave --config out to use ./{DEFAULT_CONFIG_NAME}."
            )
    else:
        path = Path.cwd() / DEFAULT_CONFIG_NAME
        if not path.is_file():
            return Settings()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Could not read the config file {path}: {exc}.") from None
    return parse_settings(text, str(path))
