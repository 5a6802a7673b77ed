"""API tokens: the service (hash only, revoked means None, last use throttled) and the CLI."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from trainer.extensions import db
from trainer.models import ApiToken, AuditEvent
from trainer.services import tokens

RAW_RE = re.compile(r"^trn_[A-Za-z0-9_-]{43}$")


def test_create_stores_only_the_hash_and_a_hint(ctx):
    token, raw = tokens.create_token("  Helpdesk   router ")
    assert RAW_RE.match(raw)
    assert token.name == "Helpdesk router"
    assert token.token_hash == tokens.hash_token(raw) and token.hint == raw[:10]
    event = db.session.scalar(select(AuditEvent))
    assert event.action == "token.created" and raw not in str(event.detail)
    assert tokens.create_token("again")[1] != raw


def test_token_for_finds_live_tokens_only(ctx):
    token, raw = tokens.create_token("router")
    assert tokens.token_for(raw).id == token.id
    for bad in (None, "", raw + "x", raw[:-1], "trn_" + "a" * 500):
        assert tokens.token_for(bad) is None
    tokens.revoke_token(token, actor=None)
    assert tokens.token_for(raw) is None
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) \
        == "token.revoked"


def test_last_used_is_written_at_most_once_a_minute(ctx):
    token, raw = tokens.create_token("router")
    assert token.last_used_at is None
    first = tokens.token_for(raw).last_used_at
    assert first is not None
    assert tokens.token_for(raw).last_used_at == first  # within the minute: no write
    token.last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    assert tokens.token_for(raw).last_used_at > first - timedelta(minutes=2)


def test_cli_create_prints_the_token_once(app, runner):
    result = runner.invoke(args=["tokens", "create", "--name", "Helpdesk router"])
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip()
    assert RAW_RE.match(raw)  # stdout is the token alone: TOKEN=$(trainer tokens create ...)
    assert "will not be shown again" in result.stderr
    listing = runner.invoke(args=["tokens", "list"]).stdout
    assert raw not in listing and raw[:10] in listing and "Helpdesk router" in listing
    assert "last used never" in listing and "active" in listing
    with app.app_context():
        assert tokens.token_for(raw) is not None
    assert "last used never" not in runner.invoke(args=["tokens", "list"]).stdout


def test_cli_create_refuses_a_blank_name(app, runner):
    result = runner.invoke(args=["tokens", "create", "--name", " "])
    assert result.exit_code == 1 and "error: give the token a name" in result.stderr
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_cli_list_with_no_tokens(app, runner):
    assert "No tokens" in runner.invoke(args=["tokens", "list"]).stdout


def test_cli_revoke(app, runner):
    with app.app_context():
        token, raw = tokens.create_token("router")
        token_id = token.id
    result = runner.invoke(args=["tokens", "revoke", str(token_id)])
    assert result.exit_code == 0 and f"Token {token_id} (router) revoked." in result.stdout
    with app.app_context():
        assert tokens.token_for(raw) is None
    assert "revoked" in runner.invoke(args=["tokens", "list"]).stdout
    again = runner.invoke(args=["tokens", "revoke", str(token_id)])
    assert again.exit_code == 1 and "already revoked" in again.stderr
    missing = runner.invoke(args=["tokens", "revoke", "999"])
    assert missing.exit_code == 1 and "no token with id 999" in missing.stderr
