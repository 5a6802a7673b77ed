"""A small JSON-schema checker for the subset our response schemas use (type, enum, anyOf,
properties, items)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "number": (int, float), "null": (type(None),),
}


def schema_problem(value: Any, schema: Mapping[str, Any], where: str = "$") -> str | None:
    """The first way ``value`` breaks ``schema``, as "where: what", or None when it fits.
    Properties the schema does not name are ignored; booleans are never integers."""
    if "anyOf" in schema:
        problems = [schema_problem(value, option, where) for option in schema["anyOf"]]
        if all(problems):
            return " and ".join(dict.fromkeys(p for p in problems if p))
    types = schema.get("type")
    if types is not None:
        allowed = (types,) if isinstance(types, str) else tuple(types)
        if not any(_is(value, t) for t in allowed):
            return f"{where}: expected {' or '.join(allowed)}, got {_kind(value)}"
    if "enum" in schema and not any(_same(value, option) for option in schema["enum"]):
        return f"{where}: {value!r} is not one of {list(schema['enum'])}"
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                return f"{where}: missing '{key}'"
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                problem = schema_problem(value[key], sub, f"{where}.{key}")
                if problem:
                    return problem
    if isinstance(value, list) and "items" in schema:
        for n, item in enumerate(value):
            problem = schema_problem(item, schema["items"], f"{where}[{n}]")
            if problem:
                return problem
    return None


def _is(value: Any, kind: str) -> bool:
    if isinstance(value, bool) and kind != "boolean":
        return False
    return isinstance(value, _TYPES[kind])


def _same(value: Any, option: Any) -> bool:
    """Enum membership without Python's 1 == 1.0 == True."""
    return type(value) is type(option) and value == option


def _kind(value: Any) -> str:
    return next((k for k in ("boolean", "null", "integer", "number", "string", "array", "object")
                 if _is(value, k)), type(value).__name__)
