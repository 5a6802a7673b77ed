"""Library insight for managers (their team) and admins (everyone): which scenarios people fail,
what they miss and say wrong, and who holds or has earned each authority level; each table also
downloads as CSV. Anyone else is simply not found here (404)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from ..services.insight import (
    ENOUGH_ATTEMPTS,
    MODE_CHOICES,
    MODE_LABELS,
    SCENARIO_COLUMNS,
    insight_mode,
    scenario_insights,
    scenario_rows,
    scenario_table,
)
from ..services.insight_categories import CATEGORY_COLUMNS, category_insights, category_rows
from ..services.insight_sample import SAMPLE_PER_SCENARIO
from .downloads import csv_download
from .guards import role_required

bp = Blueprint("insight", __name__, url_prefix="/insight")


@bp.get("/")
@role_required("manager")
def library():
    mode = insight_mode(request.args.get("mode"))
    table = scenario_table(current_user, mode, request.args.get("page", 1, type=int))
    return render_template(
        "insight/library.html", mode=mode, modes=MODE_CHOICES, mode_labels=MODE_LABELS,
        scenarios=table.page, unplayed=table.unplayed, sample=SAMPLE_PER_SCENARIO,
        enough=ENOUGH_ATTEMPTS, coverage=category_insights(current_user))


@bp.get("/scenarios.csv")
@role_required("manager")
def scenarios_csv():
    mode = insight_mode(request.args.get("mode"))
    rows = scenario_rows(scenario_insights(current_user, mode))
    return csv_download(rows, SCENARIO_COLUMNS, f"library-insight-scenarios-{mode}")


@bp.get("/categories.csv")
@role_required("manager")
def categories_csv():
    rows = category_rows(category_insights(current_user))
    return csv_download(rows, CATEGORY_COLUMNS, "library-insight-categories")
