"""Manager pages, all on /team: the team, its charts and exports, the review queue and the
scorer's calibration (team.py); each person's standing and attempts (people.py); and the actions
on resolution authority, granting and revoking clearances and reviewing scores (authority.py,
its own blueprint so that its endpoints keep the names "authority.*"). Forms: forms.py."""

from __future__ import annotations

from . import people, team
from .authority import bp as authority_bp
from .blueprint import bp

__all__ = ["authority_bp", "bp", "people", "team"]
