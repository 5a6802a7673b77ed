"""Resolution authority in words: a category's levels as named choices, and the phrase that names
a clearance ("Delivery problems, level 2: goodwill up to 75 and delivery-charge refunds (limit
75)") shared by the manager's messages and the audit log's sentences."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .library import AuthorityLevel, Category

CHOICE_SEPARATOR = ":"  # a choice's value is "<category id>:<level number>"
NO_MONEY = "no money"  # what a limit of 0 means (categories.yaml: max_limit 0)


def amount_text(value: Decimal | float | int | str) -> str:
    """An amount as people write it: 75, 49.50 (never 75.00 or 75.0); anything else unchanged."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not amount.is_finite():
        return str(value)
    if amount == amount.to_integral_value():
        return f"{amount.to_integral_value():f}"
    return f"{amount.quantize(Decimal('0.01')):f}"


def lower_first(text: str) -> str:
    """"Goodwill up to 75" -> "goodwill up to 75", for use inside a sentence; an initialism
    ("HR escalations") keeps its capitals."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def limit_text(limit: Decimal | float | int | str) -> str:
    amount = amount_text(limit)
    return NO_MONEY if amount == "0" else f"limit {amount}"


def choice_value(category_id: str, level: int | str) -> str:
    return f"{category_id}{CHOICE_SEPARATOR}{level}"


def parse_choice(value: str | None) -> tuple[str, int] | None:
    """The (category id, level) of a choice value, or None when it is not one."""
    category_id, _, level = (value or "").rpartition(CHOICE_SEPARATOR)
    if not category_id or not level.isascii() or not level.isdigit():
        return None
    return category_id, int(level)


def level_label(level: AuthorityLevel) -> str:
    """What the manager picks: "Level 2: Goodwill up to 75 and delivery-charge refunds (at most
    75)"."""
    most = NO_MONEY if amount_text(level.max_limit) == "0" else \
        f"at most {amount_text(level.max_limit)}"
    return f"Level {level.level}: {level.title} ({most})"


def level_choices(categories: list[Category]) -> dict[str, list[tuple[str, str]]]:
    """Every category's levels, grouped under the category's title (a <select> with optgroups)."""
    return {category.title: [(choice_value(category.id, level.level), level_label(level))
                             for level in category.levels]
            for category in categories}


def authority_phrase(category: Category | None, category_id: str, level: int,
                     limit: Decimal | float | int | str | None = None) -> str:
    """"Delivery problems, level 2: goodwill up to 75 and delivery-charge refunds (limit 75)";
    a category or level no longer in the library is named by its id and number."""
    named = category.level(level) if category is not None else None
    phrase = f"{category.title if category else category_id}, level {level}"
    if named is not None:
        phrase += f": {lower_first(named.title)}"
    if limit is not None:
        phrase += f" ({limit_text(limit)})"
    return phrase
