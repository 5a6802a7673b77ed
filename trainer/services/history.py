"""Reading attempts back: a person's history and a team's progress."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Attempt, User


def attempts_of(user: User, limit: int = 50) -> list[Attempt]:
    return list(db.session.scalars(
        select(Attempt).where(Attempt.user_id == user.id)
        .options(selectinload(Attempt.scores))
        .order_by(Attempt.started_at.desc(), Attempt.id.desc()).limit(limit)))
