"""Derived variables: + - * / and brackets over numbers and other variables, evaluated without
eval(), so that a figure computed from others ("total: amount * 2") stays consistent."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import TrainerError

_OPERATORS = {ast.Add: Decimal.__add__, ast.Sub: Decimal.__sub__, ast.Mult: Decimal.__mul__,
              ast.Div: Decimal.__truediv__}
_BRACED = re.compile(r"\{([a-z][a-z0-9_]*)\}")  # "{amount} * 2" reads as "amount * 2"
_NUMBER = re.compile(r"^[£$€]?\s?(-?\d[\d,]*(?:\.\d+)?)$")


class FormulaError(TrainerError):
    """A formula that cannot be read or evaluated (the message names what is wrong)."""


def parse(formula: str) -> ast.Expression:
    """The formula's syntax tree, allowing only numbers, names, + - * / and brackets."""
    try:
        tree = ast.parse(_BRACED.sub(r"\1", formula.strip()), mode="eval")
    except SyntaxError:
        raise FormulaError(f"cannot read the formula '{formula}' (write e.g. 'amount * 2')") \
            from None
    for node in ast.walk(tree):
        allowed = isinstance(node, ast.Expression | ast.BinOp | ast.UnaryOp | ast.Name | ast.Load
                             | ast.UAdd | ast.USub) or type(node) in _OPERATORS or (
            isinstance(node, ast.Constant) and isinstance(node.value, int | float)
            and not isinstance(node.value, bool))
        if not allowed:
            raise FormulaError(f"the formula '{formula}' may only use numbers, variable names, "
                               "+ - * / and brackets")
    return tree


def names_in(formula: str) -> list[str]:
    """The variable names a formula uses, in order of first use."""
    seen: dict[str, None] = {}
    for node in ast.walk(parse(formula)):
        if isinstance(node, ast.Name):
            seen.setdefault(node.id, None)
    return list(seen)


def number(text: str) -> Decimal | None:
    """A value as a number ("39.99", "£1,196.00"), or None when it is not one."""
    m = _NUMBER.match(text.strip())
    return Decimal(m.group(1).replace(",", "")) if m else None


def evaluate(formula: str, values: Mapping[str, str], decimals: int | None = None) -> str:
    """The formula's value as text. Decimal places: ``decimals`` if given, else the most that any
    number in the formula has (39.99 * 2 gives 79.98; 45 * 2 gives 90); thousands get commas
    when an input had them."""
    places: list[int] = [0]
    commas = False

    def walk(node: ast.AST) -> Decimal:
        nonlocal commas
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            value = Decimal(str(node.value))
        elif isinstance(node, ast.Name):
            if node.id not in values:
                raise FormulaError(f"the formula '{formula}' uses '{node.id}', which is not a "
                                   "variable declared before it")
            value = number(values[node.id])
            if value is None:
                raise FormulaError(f"the formula '{formula}' uses '{node.id}', whose value "
                                   f"'{values[node.id]}' is not a number")
            commas = commas or "," in values[node.id]
        elif isinstance(node, ast.UnaryOp):
            inner = walk(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        else:
            assert isinstance(node, ast.BinOp)
            left, right = walk(node.left), walk(node.right)
            try:
                return _OPERATORS[type(node.op)](left, right)
            except (InvalidOperation, ZeroDivisionError):
                raise FormulaError(f"the formula '{formula}' divides by zero") from None
        places.append(max(0, -value.as_tuple().exponent))
        return value

    result = walk(parse(formula))
    shown = decimals if decimals is not None else max(places)
    result = result.quantize(Decimal(1).scaleb(-shown), rounding=ROUND_HALF_UP)
    return f"{result:,.{shown}f}" if commas else f"{result:.{shown}f}"
