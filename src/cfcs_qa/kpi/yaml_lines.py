"""Read YAML safely while remembering the line each value came from.

Errors in ``kpi_definitions.yaml`` are reported as ``file:LINE: what is wrong``, so the loader
keeps a map from a value's path (``("kpis", 3, "target")``) to the line it starts on. Only the
safe loader is used: no tags, no Python objects, no eval.
"""

from __future__ import annotations

from typing import Any

import yaml

Path = tuple[str | int, ...]


class LineMap:
    """Path of a value -> 1-based line number, with lookup of the nearest known ancestor."""

    def __init__(self, lines: dict[Path, int]) -> None:
        self._lines = lines

    def line(self, path: tuple[Any, ...]) -> int:
        key = tuple(_norm(p) for p in path)
        while key:
            if key in self._lines:
                return self._lines[key]
            key = key[:-1]
        return self._lines.get((), 1)


def _norm(p: Any) -> str | int:
    return p if isinstance(p, int) else str(p)


def load_with_lines(text: str) -> tuple[Any, LineMap]:
    """Parse ``text`` with the safe loader (libyaml's when present, for speed); raise
    ``yaml.YAMLError`` on bad YAML, always with the pure-Python loader's wording so messages
    do not depend on how PyYAML was built."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return _load(text, fast)
        except yaml.YAMLError:
            pass
    return _load(text, yaml.SafeLoader)


def _load(text: str, loader_class: Any) -> tuple[Any, LineMap]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, LineMap({(): 1})
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    lines: dict[Path, int] = {}
    _walk(node, (), lines)
    return data, LineMap(lines)


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines)
