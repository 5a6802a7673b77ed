"""xAPI 1.0.3 statements for the trainer's events: pure functions from an event's payload (as the
outbox keeps it) to the statements an LRS stores.

Verbs (README, "xAPI"): a finished attempt is ``completed``; an assessed one is also ``passed`` or
``failed`` (ADL's own verbs). A clearance granted is ``received`` (Activity Streams), renewed
by completing the annual rotation is ``satisfied`` (ADL, as cmi5 uses it: the requirement to keep
it was met), revoked is ``lost`` (Activity Streams). Every statement's id is a UUID derived from
the event's id and the verb, so sending an event again never stores it twice."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

VERSION = "1.0.3"
LANGUAGE = "en"
PLATFORM = "Trainer"
VERBS = {
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    "passed": ("http://adlnet.gov/expapi/verbs/passed", "passed"),
    "failed": ("http://adlnet.gov/expapi/verbs/failed", "failed"),
    "granted": ("http://activitystrea.ms/schema/1.0/receive", "received"),
    "renewed": ("https://w3id.org/xapi/adl/verbs/satisfied", "satisfied"),
    "revoked": ("http://activitystrea.ms/schema/1.0/lose", "lost"),
}
CLEARANCE_VERBS = {"clearance.granted": "granted", "clearance.renewed": "renewed",
                   "clearance.revoked": "revoked"}
ATTEMPT_KINDS = frozenset({"attempt.scored"})
KINDS = ATTEMPT_KINDS | frozenset(CLEARANCE_VERBS)  # the events that become statements
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
URN_PREFIX = "urn:trainer:"  # activity ids when no TRAINER_BASE_URL is set


def iri(base: str | None, *parts: object) -> str:
    """An IRI for one of our activities or extensions: under ``base``/xapi/ when the app has a
    public address, else a ``urn:trainer:`` name."""
    quoted = [quote(str(part), safe="") for part in parts]
    if base:
        return base.rstrip("/") + "/xapi/" + "/".join(quoted)
    return URN_PREFIX + ":".join(quoted)


def statement_id(event_id: str, verb: str) -> str:
    """Stable: the same event and verb give the same id on every try."""
    return str(uuid.uuid5(uuid.UUID(event_id), verb))


def agent(person: Mapping[str, Any]) -> dict[str, Any]:
    return {"objectType": "Agent", "name": person["name"], "mbox": f"mailto:{person['email']}"}


def verb(key: str) -> dict[str, Any]:
    verb_id, display = VERBS[key]
    return {"id": verb_id, "display": {LANGUAGE: display}}


def statements_for(event_id: str, kind: str, occurred_at: str, payload: Mapping[str, Any],
                   base: str | None) -> list[dict[str, Any]]:
    """The statements one event becomes (none for events xAPI has no use for)."""
    if kind in ATTEMPT_KINDS:
        return attempt_statements(event_id, occurred_at, payload, base)
    if kind in CLEARANCE_VERBS:
        return [clearance_statement(event_id, CLEARANCE_VERBS[kind], occurred_at, payload, base)]
    return []


def attempt_statements(event_id: str, occurred_at: str, payload: Mapping[str, Any],
                       base: str | None) -> list[dict[str, Any]]:
    """``completed`` for every finished attempt; ``passed`` or ``failed`` besides for an
    assessed one (the mode that counts as evidence)."""
    attempt = payload["attempt"]
    verbs = ["completed"]
    if attempt["mode"] == "assessed":
        verbs.append("passed" if attempt["passed"] else "failed")
    common = {
        "actor": agent(payload["person"]),
        "object": {"objectType": "Activity", "id": iri(base, "scenarios", attempt["scenario_id"]),
                   "definition": {"name": {LANGUAGE: attempt["scenario_title"]},
                                  "type": SIMULATION}},
        "result": _attempt_result(attempt, payload.get("dimensions", {}), base),
        "context": {
            "platform": PLATFORM, "language": LANGUAGE,
            "contextActivities": {"category": [_category(base, attempt["category"],
                                                         attempt.get("category_title"))]},
            "extensions": {iri(base, "extensions", "mode"): attempt["mode"],
                           iri(base, "extensions", "attempt"): attempt["id"],
                           iri(base, "extensions", "difficulty"): attempt["difficulty"]}},
        "timestamp": attempt.get("finished_at") or occurred_at,
        "version": VERSION,
    }
    return [{"id": statement_id(event_id, key), "verb": verb(key), **common} for key in verbs]


def _attempt_result(attempt: Mapping[str, Any], dimensions: Mapping[str, Any],
                    base: str | None) -> dict[str, Any]:
    result: dict[str, Any] = {"success": bool(attempt["passed"]), "completion": True}
    overall = attempt.get("overall")
    if overall is not None:
        overall = min(max(float(overall), 0.0), 100.0)
        result["score"] = {"scaled": round(overall / 100, 4), "raw": round(overall, 2),
                           "min": 0, "max": 100}
    duration = iso_duration(attempt.get("started_at"), attempt.get("finished_at"))
    if duration:
        result["duration"] = duration
    extensions = {iri(base, "extensions", "dimension", name): dim["level"]
                  for name, dim in dimensions.items() if dim.get("level") is not None}
    if extensions:
        result["extensions"] = extensions
    return result


def clearance_statement(event_id: str, key: str, occurred_at: str, payload: Mapping[str, Any],
                        base: str | None) -> dict[str, Any]:
    """The person received, satisfied (renewed) or lost a clearance; whoever granted or revoked
    it is the context's instructor."""
    clearance = payload["clearance"]
    title = clearance.get("category_title") or clearance["category"]
    extensions: dict[str, Any] = {
        iri(base, "extensions", "limit"): clearance["limit"],
        iri(base, "extensions", "expires-at"): clearance["expires_at"]}
    if clearance.get("reason"):
        extensions[iri(base, "extensions", "reason")] = clearance["reason"]
    if clearance.get("is_exception"):
        extensions[iri(base, "extensions", "exception")] = True
    context: dict[str, Any] = {
        "platform": PLATFORM, "language": LANGUAGE,
        "contextActivities": {"category": [_category(base, clearance["category"], title)]},
        "extensions": {iri(base, "extensions", "clearance"): clearance["id"]}}
    if payload.get("actor"):
        context["instructor"] = agent(payload["actor"])
    return {
        "id": statement_id(event_id, key),
        "actor": agent(clearance["person"]),
        "verb": verb(key),
        "object": {"objectType": "Activity",
                   "id": iri(base, "clearances", clearance["category"], clearance["level"]),
                   "definition": {
                       "name": {LANGUAGE: f"Resolution authority: {title}, level "
                                          f"{clearance['level']}"},
                       "type": iri(base, "activity-types", "clearance")}},
        "result": {"completion": True, "success": key != "revoked", "extensions": extensions},
        "context": context,
        "timestamp": occurred_at,
        "version": VERSION,
    }


def _category(base: str | None, category_id: str, title: str | None) -> dict[str, Any]:
    return {"objectType": "Activity", "id": iri(base, "categories", category_id),
            "definition": {"name": {LANGUAGE: title or category_id}}}


def iso_duration(start: str | None, end: str | None) -> str | None:
    """ISO 8601 duration between two ISO timestamps (``PT95.5S``), None when one is missing."""
    if not start or not end:
        return None
    seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    return f"PT{max(seconds, 0):.2f}S" if seconds >= 0 else None
