"""Paging a log by where a page starts (services/paging.log_page): every event once whichever
way it is walked, the ends shown for positions past them, and a filter kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import AuditEvent
from trainer.services import audit
from trainer.services.paging import log_page


@pytest.fixture
def events(ctx):
    """Events 1..23, every third a token.created, the rest login.failed."""
    for n in range(1, 24):
        audit.record("token.created" if n % 3 == 0 else "login.failed", subject=f"event {n}")
    db.session.commit()


def ids(page) -> list[int]:
    return [event.id for event in page]


def read(size=5, before=None, after=None, action=None):
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    return log_page(query, AuditEvent.id, size, before, after)


def test_walking_older_then_newer_shows_every_event_once_in_order(events):
    seen, page = [], read()
    assert page.newer is None
    while True:
        seen += ids(page)
        if page.older is None:
            break
        page = read(before=page.older)
    assert seen == list(range(23, 0, -1))
    back = []
    while page.newer is not None:
        page = read(after=page.newer)
        back = ids(page) + back
    assert back == list(range(23, 3, -1))  # every page but the oldest, met again


def test_the_oldest_and_newest_pages_and_positions_past_them(events):
    assert ids(read(after=0)) == [5, 4, 3, 2, 1] and read(after=0).older is None
    assert read(after=0).newer == 5
    assert ids(read(before=1)) == [5, 4, 3, 2, 1]  # nothing older than event 1: the oldest page
    assert ids(read(after=23)) == ids(read()) == [23, 22, 21, 20, 19]  # nothing newer
    assert ids(read(before=10_000)) == [23, 22, 21, 20, 19] and read(before=10_000).newer is None


def test_a_page_that_holds_the_rest_exactly_says_there_is_no_more(events):
    page = read(size=23)
    assert len(page) == 23 and page.older is None and page.newer is None
    page = read(size=22)
    assert page.older == 2 and ids(read(size=22, before=page.older)) == [1]


def test_a_filtered_log_pages_through_its_own_events(events):
    first = read(size=3, action="token.created")
    assert ids(first) == [21, 18, 15]
    second = read(size=3, before=first.older, action="token.created")
    assert ids(second) == [12, 9, 6] and second.newer == 12
    assert ids(read(size=3, after=second.newer, action="token.created")) == [21, 18, 15]
    last = read(size=3, before=second.older, action="token.created")
    assert ids(last) == [3] and last.older is None


def test_an_empty_log_is_one_empty_page(ctx):
    for page in (read(), read(before=5), read(after=0)):
        assert not page and page.newer is None and page.older is None
