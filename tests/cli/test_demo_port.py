"""`trainer demo` (and `trainer run`) check the port before saying "Open http://...": a taken
port fails at once with a message that suggests --port, and nothing is seeded."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import func, inspect, select

from trainer.cli.app import port_refusal
from trainer.extensions import db
from trainer.models import User


@pytest.fixture
def taken_port():
    """A port on 127.0.0.1 that this test holds open (listening) until it ends."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_demo_on_a_taken_port_suggests_another_and_exits_non_zero(app, runner, taken_port):
    result = runner.invoke(args=["demo", "--port", str(taken_port)])
    assert result.exit_code != 0
    assert f"port {taken_port} on 127.0.0.1 is already in use" in result.output
    assert f"--port {taken_port + 1}" in result.output
    assert "Open http://" not in result.output
    assert "Demo data" not in result.output  # it failed before seeding anything
    with app.app_context():
        assert not inspect(db.engine).has_table("user") or \
            db.session.scalar(select(func.count(User.id))) == 0


def test_run_on_a_taken_port_is_refused_the_same_way(app, runner, taken_port, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a test secret")
    result = runner.invoke(args=["run", "--port", str(taken_port)])
    assert result.exit_code != 0
    assert "is already in use" in result.output and "--port" in result.output
    assert "Open http://" not in result.output


def test_a_port_out_of_range_is_refused_by_the_option(runner):
    result = runner.invoke(args=["demo", "--port", "70000"])
    assert result.exit_code == 2
    assert "--port" in result.output


def test_a_free_port_is_not_refused_and_a_taken_one_is(taken_port):
    assert port_refusal("127.0.0.1", taken_port) is not None
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    assert port_refusal("127.0.0.1", free) is None


def test_an_address_of_another_machine_is_refused_with_a_message():
    # 192.0.2.1 is a documentation address (RFC 5737): never one of this machine's
    assert port_refusal("192.0.2.1", 5000).startswith("cannot listen on 192.0.2.1:5000")
