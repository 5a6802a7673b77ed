"""One page of a long list: its rows, how many there are in all, and where it sits.

Two statements whatever the list's length: a count and the page itself. A page number out of
range (0, negative, past the end, absurdly large) is read as the nearest page that exists, so a
stale or hand-edited link still shows something.

A log that only grows (the audit log, webhook deliveries) is paged by where a page starts
instead (``log_page``): no count and no offset, so a page costs the same at the first event and
at the millionth."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, literal, or_, select

from ..extensions import db, execute_plain

T = TypeVar("T")


class _Items(Generic[T]):
    """A page read as its items: iterated, counted, false when empty."""

    items: Sequence[T]

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True)
class Page(_Items[T]):
    """Named like Flask-SQLAlchemy's Pagination, so one pager template serves both."""

    items: Sequence[T]
    page: int  # 1-based, always within 1..pages
    per_page: int
    total: int  # items on every page together

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def first(self) -> int:
        """The position of the page's first item in the whole list (1-based; 0 when empty)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    def map(self, convert: Callable[[Sequence[T]], Sequence[Any]]) -> Page:
        """The same page with its items converted as a whole (e.g. users to their progress)."""
        return Page(list(convert(self.items)), self.page, self.per_page, self.total)


def paginate(query: Select, number: int, size: int, rows: bool = False) -> Page:
    """Page ``number`` of ``query`` (which must be ordered), ``size`` a page: entities (the
    query's first column) unless ``rows`` asks for whole result rows. Like ``db.paginate`` with
    ``error_out=False``, but a number past the end gives the last page, never an empty one
    (nor an offset too large for the database)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    number = _within(number, total or 0, size)
    page = query.limit(size).offset((number - 1) * size)
    items = list(db.session.execute(page) if rows else db.session.scalars(page))
    return Page(items, number, size, total or 0)


def paginate_built(count: Select, page: Select, params: dict[str, Any], number: int, size: int,
                   rows: bool = False) -> Page:
    """As ``paginate``, for statements built once with bind parameters (``params``): ``count``
    counts the list, ``page`` takes its ``limit`` and ``offset`` as bind parameters of those
    names."""
    total = execute_plain(count, params).scalar() or 0
    number = _within(number, total, size)
    params = {**params, "limit": size, "offset": (number - 1) * size}
    items = list(execute_plain(page, params) if rows else db.session.scalars(page, params))
    return Page(items, number, size, total)


def page_of(items: Sequence[T], number: int, size: int) -> Page[T]:
    """Page ``number`` of a list already in memory (e.g. ordered by what SQL cannot sort on)."""
    number = _within(number, len(items), size)
    return Page(items[(number - 1) * size:number * size], number, size, len(items))


def _within(number: int, total: int, size: int) -> int:
    """``number`` as the nearest page that exists of ``total`` items, ``size`` a page."""
    return min(max(1, number), max(1, -(-total // size)))


@dataclass(frozen=True)
class LogPage(_Items[T]):
    """Some of a log, newest first, and where its neighbours start: ``newer`` is the id to read
    after (``?after=``), ``older`` the id to read before (``?before=``); None at either end."""

    items: Sequence[T]
    newer: int | None
    older: int | None


def log_page(query: Select, key: Any, size: int, before: int | None = None,
             after: int | None = None) -> LogPage:
    """``size`` entities of ``query`` (a log, unordered, unjoined) by ``key`` (its id column),
    shown newest first: the newest, those just older than ``before``, or those just newer than
    ``after`` (0: the oldest page). Past either end it shows the page at that end, as
    ``paginate`` does. One statement for the newest page, two for the others (the second asks
    whether there is a page beyond)."""
    id_of = attrgetter(key.key)
    newest_first = query.order_by(key.desc())
    if after is not None:
        found = list(db.session.scalars(query.where(key > after).order_by(key).limit(size + 1)))
        if found:
            items = found[:size][::-1]
            beyond = _exists(query, key < id_of(items[-1]))
            return LogPage(items, id_of(items[0]) if len(found) > size else None,
                           id_of(items[-1]) if beyond else None)
    elif before is not None:
        found = list(db.session.scalars(newest_first.where(key < before).limit(size + 1)))
        if not found:  # before the oldest: the oldest page
            return log_page(query, key, size, after=0)
        items = found[:size]
        beyond = _exists(query, key > id_of(items[0]))
        return LogPage(items, id_of(items[0]) if beyond else None,
                       id_of(items[-1]) if len(found) > size else None)
    found = list(db.session.scalars(newest_first.limit(size + 1)))
    return LogPage(found[:size], None, id_of(found[size - 1]) if len(found) > size else None)


def _exists(query: Select, where: ColumnElement[bool]) -> bool:
    """Whether ``query``'s criteria and ``where`` find a row: one index probe, none loaded."""
    probe = select(literal(1)).select_from(query.get_final_froms()[0]).where(where)
    if query.whereclause is not None:
        probe = probe.where(query.whereclause)
    return execute_plain(probe.limit(1)).first() is not None


SEARCH_MAX = 100  # characters of a search that are used: a name or an email, never a document


def where_contains(query: Select, search: str, *columns: Any) -> Select:
    """``query`` narrowed to rows where any of ``columns`` contains ``search`` (any case, ``%``
    and ``_`` matching themselves); unchanged for a blank search."""
    search = (search or "").strip()[:SEARCH_MAX]
    if not search:
        return query
    return query.where(or_(*(column.icontains(search, autoescape=True) for column in columns)))
