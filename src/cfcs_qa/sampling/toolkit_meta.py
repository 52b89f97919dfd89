"""The hidden ``_meta`` sheet of a toolkit: the allocation id, the template checksum, the
allocation's header values and everything needed to rebuild the cell map
(``toolkit_layout.build_layout``), so a toolkit written from last month's standards is still
read against last month's map."""

from __future__ import annotations

from dataclasses import dataclass

from .toolkit_layout import LAYOUT_VERSION, TemplateSpec

VALUE_KEYS = ("allocation_id", "child_id", "due_date", "issued_date", "auditor", "category",
              "team", "worker", "supervising_manager", "legal_status", "placement",
              "audit_window")


def meta_rows(spec: TemplateSpec, allocation_id: str, checksum: str,
              values: dict[str, str]) -> list[list[str]]:
    """Rows of the ``_meta`` sheet (column A the key). Values are written as text."""
    rows: list[list[str]] = [
        ["format", LAYOUT_VERSION], ["allocation_id", allocation_id], ["checksum", checksum],
        ["category", spec.category], ["family_contact", "yes" if spec.family_contact else "no"],
        ["synthetic", "yes" if spec.synthetic else "no"], ["action_rows", str(spec.action_rows)],
    ]
    rows += [[f"value.{k}", values[k]] for k in VALUE_KEYS]
    rows += [["standard", sid, sec, text, heading or ""] for sid, sec, text, heading
             in spec.standards]
    rows += [["key_question", qid, q, p] for qid, q, p in spec.key_questions]
    rows += [["judgement_choice", c] for c in spec.judgement_choices]
    rows += [["grade", gid, label] for gid, label in spec.grades]
    rows += [["indicator", t] for t in spec.indicators]
    return rows


@dataclass(frozen=True)
class Meta:
    spec: TemplateSpec
    allocation_id: str
    checksum: str
    values: dict[str, str]


def parse_meta(rows: list[list[str]]) -> Meta:
    """The inverse of ``meta_rows``; ``ValueError`` (one sentence) when it is not a toolkit's."""
    single: dict[str, str] = {}
    many: dict[str, list[list[str]]] = {}
    for row in rows:
        if not row or not row[0]:
            continue
        key, rest = row[0], [("" if v is None else str(v)) for v in row[1:]]
        if key in ("standard", "key_question", "judgement_choice", "grade", "indicator"):
            many.setdefault(key, []).append(rest + [""] * 4)
        else:
            single[key] = rest[0] if rest else ""
    if single.get("format") != LAYOUT_VERSION:
        raise ValueError("its hidden _meta sheet does not name a cfcs-qa toolkit format")
    if not single.get("allocation_id", "").strip():
        raise ValueError("the allocation id is missing from its hidden _meta sheet")
    if not single.get("checksum", "").strip():
        raise ValueError("the template checksum is missing from its hidden _meta sheet")
    try:
        action_rows = int(single.get("action_rows", ""))
    except ValueError:
        raise ValueError("its hidden _meta sheet is damaged (action_rows)") from None
    spec = TemplateSpec(
        category=single.get("category", ""),
        standards=tuple((r[0], r[1], r[2], r[3] or None) for r in many.get("standard", [])),
        key_questions=tuple((r[0], r[1], r[2]) for r in many.get("key_question", [])),
        judgement_choices=tuple(r[0] for r in many.get("judgement_choice", [])),
        grades=tuple((r[0], r[1]) for r in many.get("grade", [])),
        indicators=tuple(r[0] for r in many.get("indicator", [])),
        family_contact=single.get("family_contact") == "yes",
        synthetic=single.get("synthetic") == "yes",
        action_rows=action_rows,
    )
    values = {k: single.get(f"value.{k}", "") for k in VALUE_KEYS}
    return Meta(spec, single["allocation_id"].strip(), single["checksum"].strip(), values)
