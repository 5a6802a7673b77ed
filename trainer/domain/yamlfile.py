"""Reading YAML while remembering the line of every field, so that a problem names file and line."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import Problem

Path = tuple[Any, ...]
_MERGE_TAG = "tag:yaml.org,2002:merge"

# Bounds on one library file, far above what authors write (the shipped files: at most 10 KB,
# 352 values, 6 levels deep) and low enough that any file is parsed or refused within a second.
MAX_FILE_CHARS = 200_000
MAX_VALUES = 5_000  # keys, items and texts, counting every copy an alias (*name) makes
MAX_DEPTH = 20  # lists and mappings inside each other


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
    """Parse ``text``. A syntax error, or a file past the bounds above, gives no document and one
    problem with its line; duplicate or unusable keys give a document and a problem each."""
    if len(text) > MAX_FILE_CHARS:
        return None, [Problem(file, 1, f"file too large: {len(text):,} characters (the limit is "
                                       f"{MAX_FILE_CHARS:,}; a library file needs far fewer)")]
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(file, None, {(): 1}), []
        doc = Document(file, None)
        problems: list[Problem] = []
        doc.data = _build(loader, node, (), node.start_mark.line + 1, doc, problems)
        return doc, problems
    except _TooBig as exc:
        return None, [Problem(file, exc.line, exc.message)]
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


class _TooBig(yaml.YAMLError):
    """A file past one of the bounds above, at the line where it crossed it."""

    def __init__(self, mark: yaml.Mark, message: str):
        super().__init__(message)
        self.line, self.message = mark.line + 1, message


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader that counts while it composes nodes, before any Python object is built: a
    file past MAX_DEPTH or MAX_VALUES (aliases expanded) stops at the line that crosses it,
    instead of exhausting the stack, the memory or the clock."""

    def __init__(self, text: str):
        super().__init__(text)
        self._depth = 0  # lists and mappings open around the node being composed
        self._reach = 0  # the deepest level reached inside the current node, aliases expanded
        self._values = 0  # values composed so far, aliases expanded
        self._shape: dict[int, tuple[int, int]] = {}  # anchored node -> (values, levels)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            node = super().compose_node(parent, index)
            if id(node) not in self._shape:  # its anchor is still open around this alias
                raise _TooBig(event.start_mark, f"alias '*{event.anchor}' is used inside its "
                              f"own anchor '&{event.anchor}', which would repeat it forever")
            values, levels = self._shape[id(node)]
            self._count(values, self._depth + levels, event.start_mark, alias=True)
            return node
        outer = self._depth
        depth = outer + isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent)
        self._count(1, depth, event.start_mark)
        values_before, reach_before = self._values - 1, self._reach
        self._depth = self._reach = depth
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth = outer
        if event.anchor is not None:
            self._shape[id(node)] = (self._values - values_before, self._reach - outer)
        self._reach = max(self._reach, reach_before)
        return node

    def _count(self, values: int, depth: int, mark: yaml.Mark, alias: bool = False) -> None:
        self._values += values
        self._reach = max(self._reach, depth)
        repeats = " (an alias *name repeats everything under its anchor &name)" if alias else ""
        if depth > MAX_DEPTH:
            raise _TooBig(mark, f"nested more than {MAX_DEPTH} levels deep (lists and mappings "
                                f"inside each other){repeats}")
        if self._values > MAX_VALUES:
            raise _TooBig(mark, f"the file holds more than {MAX_VALUES:,} values"
                                + (f" once this alias is expanded{repeats}" if alias else ""))


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
