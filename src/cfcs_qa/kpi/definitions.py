"""Loading ``kpi_definitions.yaml``: structure (pydantic), then meaning (``checks``), then the
site's overrides (``Settings.kpis``: switch off, change a target, tolerance or minimum
denominator). Problems are reported as ``FILE:LINE: what is wrong``, all at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..config import Settings
from ..errors import ConfigError
from ..paths import resource
from .checks import check_kpis
from .model import DefinitionsFile, KpiSet, Target
from .yaml_lines import LineMap, load_with_lines

BUNDLED = "kpi_definitions.yaml"


class DefinitionsError(ConfigError):
    """The definitions file cannot be used; ``problems`` are ``FILE:LINE: message`` lines."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{name} has {len(problems)} problem(s) in its KPI definitions:\n"
            + "\n".join(f"  {line}" for line in problems)
            + "\nFix these (see the comments at the top of the bundled kpi_definitions.yaml) "
            "and run again."
        )


def parse_definitions(text: str, name: str) -> DefinitionsFile:
    """Parse and check one definitions file; raise DefinitionsError listing every problem."""
    try:
        raw, lines = load_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise DefinitionsError(name, [f"{name}:{line}: not valid YAML: {problem}"]) from None
    if not isinstance(raw, dict):
        raise DefinitionsError(name, [f"{name}:1: expected a mapping with a 'kpis' list"])
    try:
        parsed = DefinitionsFile.model_validate(raw)
    except ValidationError as err:
        raise DefinitionsError(name, _structure_problems(err, lines, name)) from None
    problems = [f"{name}:{lines.line(path)}: {msg}" for path, msg in check_kpis(parsed.kpis)]
    if problems:
        raise DefinitionsError(name, problems)
    return parsed


def _structure_problems(err: ValidationError, lines: LineMap, name: str) -> list[str]:
    out: list[str] = []
    for e in err.errors():
        loc = tuple(e["loc"])
        # pydantic adds the member name for unions/literals; keep the path to real keys
        where = ".".join(str(x) for x in loc) or "(top level)"
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "not a field of a KPI definition (check the spelling)"
        elif e["type"] == "missing":
            msg = "is required"
        out.append(f"{name}:{lines.line(loc)}: {where}: {msg}")
    return out


def read_file(path: Path, name: str | None = None) -> DefinitionsFile:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(
            f"Could not read the KPI definitions file {path}: {exc.strerror or exc}. Check the "
            "path given as kpi_definitions in the site config."
        ) from None
    return parse_definitions(text, name or path.name)


def load_definitions(settings: Settings | None = None) -> KpiSet:
    """The KPIs a run uses: the bundled file or the site's own, with overrides applied."""
    settings = settings or Settings()
    bundled_path = resource(BUNDLED)
    if settings.kpi_definitions:
        site_path = Path(settings.kpi_definitions).expanduser()
        if not site_path.is_absolute():
            site_path = settings.base_dir() / site_path
        site = read_file(site_path, str(settings.kpi_definitions))
        if site.extends == "bundled":
            base = read_file(bundled_path, BUNDLED)
            replaced = {k.number for k in site.kpis}
            kpis = [k for k in base.kpis if k.number not in replaced] + site.kpis
            kpis.sort(key=lambda k: k.number)
            kset = KpiSet(kpis=kpis, defaults=site.defaults, source=str(site_path))
        else:
            kset = KpiSet(kpis=site.kpis, defaults=site.defaults, source=str(site_path))
    else:
        base = read_file(bundled_path, BUNDLED)
        kset = KpiSet(kpis=base.kpis, defaults=base.defaults, source=str(bundled_path))
    return apply_overrides(kset, settings)


def apply_overrides(kset: KpiSet, settings: Settings) -> KpiSet:
    where = settings.source or "the site config"
    problems: list[str] = []
    kpis = [k.model_copy(deep=True) for k in kset.kpis]
    out = KpiSet(kpis=kpis, defaults=kset.defaults, source=kset.source)
    for key, ov in settings.kpis.items():
        k = out.find(key)
        if k is None:
            problems.append(f"kpis.{key}: no KPI has number or id {key!r}")
            continue
        if ov.enabled is not None:
            k.enabled = ov.enabled
        if ov.target is not None:
            if k.polarity == "context":
                problems.append(f"kpis.{key}: KPI {k.number} is a context KPI, it takes no target")
            k.target = Target(value=ov.target, default=False)
        if ov.tolerance is not None:
            k.tolerance = ov.tolerance
        if ov.min_denominator is not None:
            k.min_denominator = ov.min_denominator
        if ov.activity_max_age_months is not None:
            if not k.recency:
                problems.append(f"kpis.{key}: activity_max_age_months applies to KPI 28 only")
    if problems:
        raise ConfigError(f"{where} has KPI settings cfcs-qa cannot use:\n"
                          + "\n".join(f"  - {p}" for p in problems)
                          + "\nFix these and run again.")
    return out


def kpi_options(settings: Settings, number: int, kid: str) -> dict[str, Any]:
    """Per-KPI options from the site config (KPI 28's recency limit)."""
    for key in (str(number), kid):
        ov = settings.kpis.get(key)
        if ov is not None and ov.activity_max_age_months is not None:
            return {"activity_max_age_months": ov.activity_max_age_months}
    return {}
