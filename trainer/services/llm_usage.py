"""LLM usage per day and model (calls, failures, tokens, latency) and the engines in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, func, select

from ..config import DEFAULT_CUSTOMER_ENGINE, DEFAULT_SCORER
from ..domain.errors import TrainerError
from ..extensions import db, on_postgresql
from ..llm import llm_changes, llm_settings
from ..llm.compat import SCHEMA_REFUSED
from ..models import LLMCall
from ..models._types import utcnow


@dataclass(frozen=True)
class Usage:
    day: str  # YYYY-MM-DD in UTC; "" in totals over the whole period
    model: str
    calls: int  # tries: a retried call counts each of its tries
    failures: int
    retries: int  # tries after a call's first
    tokens_in: int
    tokens_out: int
    mean_latency_ms: float | None


@dataclass(frozen=True)
class Engines:
    configured: bool
    summary: str
    customer_engine: str
    scorer: str
    endpoint: str = ""
    customer_model: str = ""
    judge_model: str = ""
    limits: str = ""  # timeout, retries, deadline and output bounds, in words
    json_mode: str = ""  # in force in this process: "schema", or "object" after a refusal
    changes: tuple[str, ...] = ()  # what this process switched to after a refusal, with when
    schema_refusals: int = 0  # recorded refusals of json_schema mode, any process, lately


def usage(days: int = 30, by_day: bool = True) -> list[Usage]:
    """Totals for the last ``days`` days, per day and model (newest first) or per model."""
    day = _utc_day(LLMCall.created_at).label("day")
    keys = [day, LLMCall.model] if by_day else [LLMCall.model]
    query = (select(*keys, func.count().label("calls"),
                    func.sum(case((LLMCall.ok.is_(False), 1), else_=0)).label("failures"),
                    func.sum(case((LLMCall.try_number > 1, 1), else_=0)).label("retries"),
                    func.sum(LLMCall.tokens_in).label("tokens_in"),
                    func.sum(LLMCall.tokens_out).label("tokens_out"),
                    func.avg(LLMCall.latency_ms).label("latency"))
             .where(LLMCall.created_at >= utcnow() - timedelta(days=days))
             .group_by(*keys).order_by(*([day.desc()] if by_day else []), LLMCall.model))
    return [Usage(day=str(row["day"]) if by_day else "", model=row["model"],
                  calls=row["calls"], failures=int(row["failures"] or 0),
                  retries=int(row["retries"] or 0),
                  tokens_in=int(row["tokens_in"] or 0), tokens_out=int(row["tokens_out"] or 0),
                  mean_latency_ms=None if row["latency"] is None else float(row["latency"]))
            for row in db.session.execute(query).mappings()]


def _utc_day(column):
    """The calendar day in UTC, whatever the database session's time zone."""
    if on_postgresql():
        return func.date(func.timezone("UTC", column))
    return func.date(column)  # SQLite keeps the UTC time as text


def engines(days: int = 30) -> Engines:
    """Whether an LLM is configured and which engines run, with its limits and what this
    process fell back to after the server refused something; never the key itself."""
    try:
        settings = llm_settings()
        info = settings.describe()
    except TrainerError as exc:  # unusable settings: the app runs on the defaults; say why
        settings, info = None, {"configured": False,
                                "problem": f"The LLM settings are not usable: {exc}"}
    config = current_app.config
    customer = (info.get("customer_engine") or config.get("TRAINER_CUSTOMER_ENGINE")
                or DEFAULT_CUSTOMER_ENGINE)
    scorer = info.get("scorer") or config.get("TRAINER_SCORER") or DEFAULT_SCORER
    summary = info.get("problem") or info.get("summary", "")
    if not info["configured"] and "problem" not in info:
        summary = (f"Running on the {customer} customer and the {_scorer_name(scorer)}: "
                   "no OPENAI_API_KEY configured.")
    if settings is None or not settings.configured:
        return Engines(bool(info["configured"]), summary, customer, scorer)
    changes = llm_changes()
    json_mode = next((c.value for c in reversed(changes) if c.setting == "json_mode"),
                     settings.json_mode)
    return Engines(True, summary, customer, scorer, info.get("endpoint") or "",
                   info.get("customer_model") or "", info.get("judge_model") or "",
                   _limits(settings), json_mode,
                   tuple(f"{c.when:%Y-%m-%d %H:%M} UTC: {c.what}" for c in changes),
                   _schema_refusals(days))


def _limits(settings) -> str:
    retries = f"{settings.retries} retr{'y' if settings.retries == 1 else 'ies'}"
    return (f"{settings.timeout:g} s a try, {retries}, at most {settings.deadline:g} s a call; "
            f"up to {settings.customer_max_tokens} tokens a customer reply and "
            f"{settings.judge_max_tokens} a verdict ({settings.max_tokens_param})")


def _schema_refusals(days: int) -> int:
    return db.session.scalar(select(func.count()).select_from(LLMCall).where(
        LLMCall.created_at >= utcnow() - timedelta(days=days),
        LLMCall.error.contains(SCHEMA_REFUSED, autoescape=True))) or 0


def _scorer_name(scorer: str) -> str:
    return {"rules": "rule scorer", "llm": "LLM judge"}.get(scorer, f"{scorer} scorer")
