"""The manager pages' blueprint, on /team: its views join it from team.py and people.py."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("manager", __name__, url_prefix="/team")
