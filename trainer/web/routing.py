"""Who can resolve this? Any signed-in staff member looks up who is cleared right now."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from flask import Blueprint, render_template, request
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, ValidationError

from ..domain.library import Category
from ..models import Clearance
from ..models._types import utcnow
from ..services.clearance_lists import resolvers_query
from ..services.library import get_library
from ..services.paging import paginate
from .acting import sentence
from .paging import page_number

bp = Blueprint("routing", __name__)

MAX_AMOUNT_CHARS = 40
CENT = Decimal("0.01")
AMOUNT_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
ROWS_PER_PAGE = 50


def parse_amount(raw: str | None) -> Decimal:
    """A non-negative amount from a query string; blank means 0. ValueError says what is wrong.

    Plain digits only: no signs, exponents, "NaN" or thousands separators, because "49,99"
    means 49.99 in half of Europe and a guess either way could route a complaint wrongly.
    """
    text = (raw or "").strip()
    if not text:
        return Decimal(0)
    if text.startswith("-") and AMOUNT_RE.fullmatch(text[1:]):
        raise ValueError("amount must be 0 or more")
    if len(text) > MAX_AMOUNT_CHARS or not AMOUNT_RE.fullmatch(text):
        raise ValueError("amount must be a number of 0 or more, e.g. 300 or 49.99")
    return Decimal(text)


def money(amount: Decimal) -> str:
    """300 rather than 300.00, 49.50 as it is, and never rounded: 12.345 stays 12.345."""
    if amount == amount.to_integral_value():
        return f"{amount:,.0f}"
    return f"{amount:,.2f}" if amount == amount.quantize(CENT) else f"{amount.normalize():,f}"


@dataclass(frozen=True)
class Row:
    name: str
    email: str
    department: str
    level: int
    level_title: str
    limit: str
    expires_at: datetime
    expires_soon: bool


def _row(clearance: Clearance, category: Category, now: datetime) -> Row:
    level = category.level(clearance.level)
    user = clearance.user
    return Row(name=user.name, email=user.email,
               department=user.department.name if user.department else "",
               level=clearance.level, level_title=level.title if level else "",
               limit=money(clearance.limit), expires_at=clearance.expires_at.astimezone(UTC),
               expires_soon=clearance.is_expiring_soon(now))


class ResolveForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search: it changes nothing

    category = SelectField("Complaint category")
    amount = StringField("Amount", default="0", render_kw={"inputmode": "decimal",
                                                            "autocomplete": "off"})

    def validate_amount(self, field: StringField) -> None:
        try:
            parse_amount(field.data)
        except ValueError as exc:
            raise ValidationError(sentence(str(exc))) from None


def empty_message(category: Category, amount: Decimal) -> str:
    if amount > 0:
        return f"Nobody is cleared for refunds of {money(amount)} in {category.title} right now."
    return f"Nobody is cleared for {category.title} right now."


@bp.get("/resolve")
@login_required
def resolve():
    categories = get_library().categories
    form = ResolveForm(formdata=request.args or None)
    form.category.choices = sorted(((c.id, c.title) for c in categories.values()),
                                   key=lambda choice: choice[1].casefold())
    if not request.args:
        return render_template("routing/resolve.html", form=form, category=None)
    if not form.validate():
        return render_template("routing/resolve.html", form=form, category=None), 400
    category, amount, now = categories[form.category.data], parse_amount(form.amount.data), utcnow()
    page = paginate(resolvers_query(category.id, amount, now), page_number(), ROWS_PER_PAGE)
    rows = page.map(lambda clearances: [_row(c, category, now) for c in clearances])
    return render_template("routing/resolve.html", form=form, category=category, rows=rows,
                           amount=money(amount), empty=empty_message(category, amount))
