"""Reading YAML while remembering the line of every field, so that a problem names file and line."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import Problem

Path = tuple[Any, ...]
_MERGE_TAG = "tag:yaml.org,2002:merge"


def path_name(path: Path) -> str:
    """A field path as authors write it: ``key_points[2].id``, ``dimensions.empathy.levels[3]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) and not isinstance(part, bool) else (
            f".{part}" if out else str(part))
    return out


@dataclass
class Document:
    """A parsed YAML file: its data and the 1-based line of each field (by path).

    A mapping entry's line is the line of its key (where an editor should jump), a list item's
    the line where the item starts, the whole document's the line of its first value."""

    file: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int:
        """The line of the field at ``path``, or of its nearest parent that has one."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


def parse_yaml(text: str, file: str) -> tuple[Document | None, list[Problem]]:
    """Parse ``text``. A syntax error gives no document and one problem with its line; duplicate or
    unusable keys give a document and a problem each."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(file, None, {(): 1}), []
        doc = Document(file, None)
        problems: list[Problem] = []
        doc.data = _build(loader, node, (), node.start_mark.line + 1, doc, problems)
        return doc, problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = f"YAML syntax error: {exc.problem or exc}"
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            message += f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
        return None, [Problem(file, line, message)]
    except yaml.YAMLError as exc:
        return None, [Problem(file, 1, f"YAML error: {exc}")]
    finally:
        loader.dispose()


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path, line: int, doc: Document,
           problems: list[Problem]) -> Any:
    doc.lines[path] = line
    if isinstance(node, yaml.MappingNode):
        # Keys written in this mapping (not pulled in by a `<<:` merge): only these can clash.
        own = {id(key) for key, _ in node.value if key.tag != _MERGE_TAG}
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        written: set[Any] = set()
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            key = _scalar(loader, key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(doc.file, key_line, "a key must be a plain word, not a "
                                        f"list or mapping (under '{path_name(path) or 'top'}')"))
                continue
            if id(key_node) in own:
                if key in written:
                    problems.append(Problem(doc.file, key_line,
                                            f"duplicate key '{path_name((*path, key))}'"))
                written.add(key)
            result[key] = _build(loader, value_node, (*path, key), key_line, doc, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), item.start_mark.line + 1, doc, problems)
                for i, item in enumerate(node.value)]
    return _scalar(loader, node)


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """A scalar's value; date-like text stays text (no library field is a date, and an impossible
    date such as 2024-02-30 must not crash the loader)."""
    try:
        value = loader.construct_object(node, deep=True)
    except (ValueError, OverflowError):
        return str(node.value)
    if isinstance(value, datetime.date):
        return str(node.value)
    return value
