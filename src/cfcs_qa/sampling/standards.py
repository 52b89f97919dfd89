"""The practice standards (Appendix 1) and the toolkit guide, read from ``standards/``.

Every ``*.yaml`` in the folder except ``toolkit.yaml`` holds one section::

    section: "1.0 Single Assessment"
    standards:
      - id: "1.10"          # a STRING: unquoted, YAML reads 1.10 as the number 1.1
        text: ...
        applies_to: [cin, assessment, cds]

``toolkit.yaml`` holds the key questions, the grades and the indicators of "good".
Problems are reported as ``file:LINE: what is wrong`` (a ``UserError``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import UserError
from ..paths import resource

GUIDE_FILE = "toolkit.yaml"
_ID = re.compile(r"^\d+\.\d+$")
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Standard(_Strict):
    id: str
    section: str
    text: str
    applies_to: tuple[str, ...]
    heading: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_is_text(cls, v: Any) -> Any:
        if not isinstance(v, str):
            raise ValueError(
                f"id {v!r} must be quoted text such as \"1.10\": unquoted, YAML reads 1.10 as "
                "the number 1.1"
            )
        if not _ID.match(v.strip()):
            raise ValueError(f"id {v!r} is not of the form \"N.M\" (e.g. \"1.10\")")
        return v.strip()

    @field_validator("applies_to")
    @classmethod
    def _categories(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [c for c in v if not _CATEGORY.match(c)]
        if bad:
            raise ValueError(f"categories must be lower-case names such as cin, cp, cic: {bad}")
        if not v:
            raise ValueError("applies_to needs at least one category")
        return v

    @property
    def sort_key(self) -> tuple[int, int]:
        major, minor = self.id.split(".")
        return int(major), int(minor)


class _SectionFile(_Strict):
    section: str
    standards: list[dict[str, Any]] = Field(min_length=1)


class KeyQuestion(_Strict):
    id: str
    text: str
    prompt: str = ""


class Grade(_Strict):
    id: str
    label: str


class ToolkitGuide(_Strict):
    key_questions: tuple[KeyQuestion, ...] = Field(min_length=1)
    judgement_choices: tuple[str, ...] = Field(min_length=2)
    grades: tuple[Grade, ...] = Field(min_length=2)
    indicators_of_good: tuple[str, ...] = Field(min_length=1)


def _folder(path: Path | None) -> Path:
    return Path(path) if path is not None else resource("standards")


def _load_yaml(file: Path) -> tuple[Any, yaml.Node | None]:
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"Cannot read {file}: {exc.strerror}.") from None
    try:
        return yaml.safe_load(text), yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        why = getattr(exc, "problem", None) or exc
        raise UserError(f"{file}:{line}: not valid YAML ({why}).") from None


def _line(node: yaml.Node | None, path: tuple[Any, ...]) -> int:
    """The line of the value at ``path`` (nearest ancestor found), 1-based."""
    best = node.start_mark.line + 1 if node is not None else 1
    for step in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) \
                and step < len(node.value):
            node = node.value[step]
        else:
            node = None
        if node is None:
            break
        best = node.start_mark.line + 1
    return best


def _fail(file: Path, node: yaml.Node | None, err: ValidationError,
          prefix: tuple[Any, ...] = ()) -> UserError:
    lines = []
    for e in err.errors():
        loc = prefix + tuple(e["loc"])
        where = ".".join(str(p) for p in loc) or "file"
        msg = e["msg"].removeprefix("Value error, ")
        lines.append(f"{file}:{_line(node, loc)}: {where}: {msg}")
    return UserError("The practice standards cannot be used: " + "; ".join(lines) + ".")


def load_standards(path: Path | None = None) -> list[Standard]:
    """Every standard in ``path`` (a folder of section files, or one file; default the
    bundled ``standards/``), sorted by section then number. Ids are unique strings."""
    folder = _folder(path)
    if folder.is_file():
        files = [folder]
    else:
        files = sorted(f for f in folder.glob("*.yaml") if f.name != GUIDE_FILE)
    if not files:
        raise UserError(f"No practice standards found in {folder}: expected *.yaml files.")
    out: list[Standard] = []
    seen: dict[str, str] = {}
    for file in files:
        data, node = _load_yaml(file)
        try:
            section = _SectionFile.model_validate(data)
        except ValidationError as err:
            raise _fail(file, node, err) from None
        for i, raw in enumerate(section.standards):
            item = {"section": section.section, **raw} if isinstance(raw, dict) else raw
            try:
                std = Standard.model_validate(item)
            except ValidationError as err:
                raise _fail(file, node, err, ("standards", i)) from None
            where = f"{file}:{_line(node, ('standards', i, 'id'))}"
            if std.id in seen:
                raise UserError(f"{where}: standard {std.id} is defined twice "
                                f"(first in {seen[std.id]}). Give each standard its own id.")
            seen[std.id] = where
            out.append(std)
    return sorted(out, key=lambda s: s.sort_key)


def standards_for(category: str, standards: list[Standard] | None = None) -> list[Standard]:
    """The standards a toolkit for ``category`` scores (cin: 1.x and 5.x; cp: 2.x, 3.x and
    5.x; cic: 4.x and 5.x; see standards/README.md for the extra categories)."""
    pool = load_standards() if standards is None else standards
    chosen = [s for s in pool if category in s.applies_to]
    if not chosen:
        known = sorted({c for s in pool for c in s.applies_to})
        raise UserError(
            f"No practice standard applies to the category {category!r}. Known categories: "
            f"{', '.join(known)}. Add {category!r} to 'applies_to' of the standards its "
            "toolkit should score (standards/*.yaml)."
        )
    return chosen


def load_guide(path: Path | None = None) -> ToolkitGuide:
    """The key questions, grades and indicators of "good" (``standards/toolkit.yaml``)."""
    folder = _folder(path)
    file = folder.parent / GUIDE_FILE if folder.is_file() else folder / GUIDE_FILE
    data, node = _load_yaml(file)
    try:
        return ToolkitGuide.model_validate(data)
    except ValidationError as err:
        raise _fail(file, node, err) from None
