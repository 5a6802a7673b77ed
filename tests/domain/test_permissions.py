"""Who may do what to whom, pure: the scope, viewing, granting and reviewing over plain values."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from trainer.domain.permissions import (
    can_grant,
    can_override,
    can_view,
    grant_refusal,
    in_scope,
    override_refusal,
    reports_to,
)


@dataclass(frozen=True)
class Person:
    id: int
    role: str = "trainee"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_manager(self) -> bool:
        return self.role in {"manager", "admin"}


BOSS, LEAD, ADMIN, TRAINEE = Person(1, "manager"), Person(2, "manager"), Person(9, "admin"), \
    Person(5)
TARA, TARA_CHAIN = 3, (2, 1)  # Tara reports to Lead, who reports to Boss
OUTSIDER, OUTSIDER_CHAIN = 4, (8,)


def test_reports_to_follows_the_whole_chain_whatever_the_roles():
    assert reports_to(TARA_CHAIN, LEAD.id) and reports_to(TARA_CHAIN, BOSS.id)
    assert not reports_to(TARA_CHAIN, ADMIN.id) and not reports_to((), BOSS.id)


@pytest.mark.parametrize(("actor", "person", "chain", "expected"), [
    (LEAD, TARA, TARA_CHAIN, True),  # a direct report
    (BOSS, TARA, TARA_CHAIN, True),  # an indirect one
    (BOSS, OUTSIDER, OUTSIDER_CHAIN, False),  # another team
    (ADMIN, OUTSIDER, OUTSIDER_CHAIN, True),  # an admin: everyone else
    (ADMIN, ADMIN.id, (), False),  # never oneself, admins included
    (BOSS, BOSS.id, (2, 1), False),  # nor round a loop in the lines
    (Person(2), TARA, TARA_CHAIN, False),  # a trainee above someone looks after nobody
])
def test_the_scope(actor, person, chain, expected):
    assert in_scope(actor, person, chain) is expected


def test_one_sees_oneself_and_ones_scope():
    assert can_view(TRAINEE, TRAINEE.id, ()) and can_view(ADMIN, ADMIN.id, ())
    assert can_view(BOSS, TARA, TARA_CHAIN) and can_view(ADMIN, TARA, TARA_CHAIN)
    assert not can_view(TRAINEE, TARA, TARA_CHAIN)
    assert not can_view(BOSS, OUTSIDER, OUTSIDER_CHAIN)


def test_granting_is_for_ones_scope_and_never_oneself():
    assert can_grant(LEAD, TARA, TARA_CHAIN) and can_grant(ADMIN, OUTSIDER, OUTSIDER_CHAIN)
    assert not can_grant(BOSS, OUTSIDER, OUTSIDER_CHAIN)
    assert not can_grant(ADMIN, ADMIN.id, ()) and not can_grant(TRAINEE, TARA, TARA_CHAIN)
    assert "of their own" in grant_refusal(ADMIN.id, True, ADMIN.id, in_scope=True)
    assert "revoke" in grant_refusal(BOSS.id, False, OUTSIDER, False, action="revoke")


def test_reviewing_is_for_ones_scope_and_never_ones_own_attempt():
    assert can_override(BOSS, TARA, TARA_CHAIN) and can_override(ADMIN, TARA, TARA_CHAIN)
    assert not can_override(BOSS, OUTSIDER, OUTSIDER_CHAIN)
    assert "own attempt" in override_refusal(ADMIN, ADMIN.id, ())
    assert "your team" in override_refusal(TRAINEE, TARA, TARA_CHAIN)
