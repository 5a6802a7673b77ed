"""Admin page for the LLM and the job queue: engines in force, queue health, usage totals."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ..services import jobs, llm_usage
from .guards import role_required

bp = Blueprint("admin_llm", __name__, url_prefix="/admin/llm")
USAGE_DAYS = 30


@bp.before_app_request
def sweep_stuck_attempts() -> None:
    """The job queue's housekeeping, on every request to the app: cheap (a clock read) except
    about once a minute per process without Redis, when stuck attempts are finished
    (services/jobs.py sweep_if_due)."""
    jobs.sweep_if_due()


@bp.get("")
@role_required("admin")
def index():
    return render_template(
        "admin_llm/index.html", engines=llm_usage.engines(USAGE_DAYS), queue=jobs.queue_status(),
        by_model=llm_usage.usage(USAGE_DAYS, by_day=False), by_day=llm_usage.usage(USAGE_DAYS),
        days=USAGE_DAYS, stuck_seconds=current_app.config["TRAINER_SCORING_STUCK_SECONDS"])
