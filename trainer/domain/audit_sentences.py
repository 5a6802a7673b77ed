"""What each known audit action says, as a registry from the action's name to the function that
builds its sentence from the event's detail (audit_text.py adds the full stop, or falls back to
plain words when an action is unknown or its detail is not what its builder expects)."""

from __future__ import annotations

from typing import Any

from .audit_words import (
    Builder,
    EventLike,
    Part,
    Words,
    article,
    count,
    ids_in,
    minute,
    possessive,
)

Detail = dict[str, Any]


def _granted(event: EventLike, d: Detail, actor: Part, subject: Part, w: Words) -> list[Part]:
    # Recorded with the grant: an admin acting as such, or else the person's own manager.
    role = "Admin " if d.get("as_admin") else "Manager "
    parts: list[Part] = [role, actor, " granted ", subject, f" {w.authority(d)}"]
    if d.get("expires_at"):
        parts.append(f", until {minute(d['expires_at'])}")
    if d.get("exception"):
        parts.append(", as an exception (not eligible)")
    if ids_in(d.get("basis")):
        parts += [", on the evidence of ", *w.attempts(d["basis"])]
    if ids_in(d.get("overridden_by_granter")):
        parts += ["; not counted, as they rest on the granter's own override: ",
                  *w.attempts(d["overridden_by_granter"])]
    return parts


def _exception(event: EventLike, d: Detail, actor: Part, subject: Part, w: Words) -> list[Part]:
    parts: list[Part] = [actor, " made an exception: ", subject, " was granted ",
                         w.authority(d), " without being eligible"]
    return parts + ([f" ({d['eligibility']})"] if d.get("eligibility") else [])


def _revoked(event: EventLike, d: Detail, actor: Part, subject: Part, w: Words) -> list[Part]:
    return [actor, " revoked ", *possessive(subject), f" clearance for {w.authority(d)}"]


def _renewed(event: EventLike, d: Detail, actor: Part, subject: Part, w: Words) -> list[Part]:
    parts: list[Part] = [*possessive(subject), " clearance for ", w.authority(d, limit=False),
                         f" was renewed until {minute(d['expires_at'])}"]
    if d.get("old_expires_at"):
        parts.append(f" (it was to end {minute(d['old_expires_at'])})")
    return parts


def _overridden(event: EventLike, d: Detail, actor: Part, subject: Part,
                w: Words) -> list[Part]:
    parts: list[Part] = [actor, f" set {d['dimension']} from level {d['old_level']} to "
                                f"{d['new_level']} on ", *possessive(subject), " ",
                         *w.attempt_named(d["attempt"])]
    if d.get("passed_before") is not None and d.get("passed_after") != d.get("passed_before"):
        parts.append("; it now passes" if d.get("passed_after") else "; it now fails")
    return parts


def _confirmed(event: EventLike, d: Detail, actor: Part, subject: Part, w: Words) -> list[Part]:
    levels = d.get("levels") if isinstance(d.get("levels"), dict) else {}
    parts: list[Part] = [actor, " confirmed the scores of ", *possessive(subject), " ",
                         *w.attempt_named(d["attempt"])]
    if levels:
        parts.append(": " + ", ".join(f"{k} {v}" for k, v in levels.items()))
    if d.get("was_flagged"):
        why = d.get("review_reason")
        parts.append(f"; it had been flagged for review{f' ({why})' if why else ''}")
    return parts


def _user_created(event: EventLike, d: Detail, actor: Part, subject: Part,
                  w: Words) -> list[Part]:
    parts: list[Part] = [actor, " added ", subject]
    if d.get("role"):
        parts.append(f" as {article(d['role'])} {d['role']}")
    if d.get("department"):
        new = " (a new department)" if d.get("department_created") else ""
        parts.append(f" in {d['department']}{new}")
    if d.get("manager"):
        parts += [", reporting to ", w.by_email(d["manager"])]
    if d.get("via") == "import":
        parts.append(f", from import {d.get('import_id')} (line {d.get('line')})")
    if "has_password" in d:
        parts.append(", with a password" if d["has_password"] else ", without a password yet")
    return parts


def _role_changed(event: EventLike, d: Detail, actor: Part, subject: Part,
                  w: Words) -> list[Part]:
    parts: list[Part] = [actor, " changed ", *possessive(subject),
                         f" role from {d['from']} to {d['to']}"]
    if d.get("reports"):
        parts.append(f" ({count(d['reports'], 'report')} at the time)")
    return parts


def _password_changed(event: EventLike, d: Detail, actor: Part, subject: Part,
                      w: Words) -> list[Part]:
    ended = d.get("sessions_ended")
    tail = f"; {count(ended, 'other session')} ended" if isinstance(ended, int) else ""
    return [subject, f" changed their password{tail}"]


def _login_failed(event: EventLike, d: Detail, actor: Part, subject: Part,
                  w: Words) -> list[Part]:
    return ["Failed login as ", subject, f": {d['reason']}" if d.get("reason") else ""]


def _token(verb: str) -> Builder:
    def build(event: EventLike, d: Detail, actor: Part, subject: Part, w: Words) -> list[Part]:
        hint = f" (ending {d['hint']})" if d.get("hint") else ""
        return [actor, f" {verb} API token “{event.subject}”{hint}"]
    return build


def _import_queued(event: EventLike, d: Detail, actor: Part, subject: Part,
                   w: Words) -> list[Part]:
    return [actor, f" queued import {d['import']} of {event.subject}: "
                   f"{count(d.get('rows', 0), 'row')}, {d.get('with_password', 0)} with a "
                   "password"]


def _import_failed(event: EventLike, d: Detail, actor: Part, subject: Part,
                   w: Words) -> list[Part]:
    return [f"Import {d['import']} of {event.subject} failed after creating "
            f"{count(d.get('created', 0), 'user')}; {d.get('not_imported', 0)} not imported"
            + (f": {d['reason']}" if d.get("reason") else "")]


def _imported(event: EventLike, d: Detail, actor: Part, subject: Part, w: Words) -> list[Part]:
    return [f"Import {d['import']} of {event.subject} finished: "
            f"{count(d.get('count', 0), 'user')} created, {d.get('skipped', 0)} skipped, "
            f"{count(d.get('departments_created', 0), 'new department')}"]


def _labels_exported(event: EventLike, d: Detail, actor: Part, subject: Part,
                     w: Words) -> list[Part]:
    return [f"{count(d.get('lines', 0), 'labelled scorecard')} exported to {event.subject}"]


def _done_to(verb: str) -> Builder:
    """"<actor> <verb> <subject>": "Ada Admin deactivated Tara Singh"."""
    def build(event: EventLike, d: Detail, actor: Part, subject: Part, w: Words) -> list[Part]:
        return [actor, f" {verb} ", subject]
    return build


def _done_by_self(verb: str) -> Builder:
    """"<subject> <verb>": "Tara Singh logged in"."""
    def build(event: EventLike, d: Detail, actor: Part, subject: Part, w: Words) -> list[Part]:
        return [subject, f" {verb}"]
    return build


BUILDERS: dict[str, Builder] = {
    "clearance.granted": _granted,
    "clearance.exception": _exception,
    "clearance.revoked": _revoked,
    "clearance.renewed": _renewed,
    "score.overridden": _overridden,
    "score.confirmed": _confirmed,
    "user.created": _user_created,
    "user.deactivated": _done_to("deactivated"),
    "user.reactivated": _done_to("reactivated"),
    "user.role_changed": _role_changed,
    "user.password_set": _done_to("set a new password for"),
    "user.password_changed": _password_changed,
    "user.password_change_failed": _done_by_self(
        "tried to change their password with a wrong current password"),
    "user.password_reset_requested": _done_by_self("asked for a password reset link"),
    "user.password_reset": _done_by_self("set a new password through an emailed link"),
    "user.invited": _done_to("emailed an invitation to"),
    "user.invitation_accepted": _done_by_self("accepted their invitation and set a password"),
    "login.succeeded": _done_by_self("logged in"),
    "login.failed": _login_failed,
    "token.created": _token("created"),
    "token.revoked": _token("revoked"),
    "users.import_queued": _import_queued,
    "users.import_failed": _import_failed,
    "users.imported": _imported,
    "labels.exported": _labels_exported,
}
