"""Keyset ("seek") pagination for long lists: the work queues, the archive, the delivery log.

A page number (`OFFSET n`) makes the database read and throw away every row before the page, and the page count
needs `COUNT(*)` over the whole list: both grow with the table (a year of a city's archive is a million rows).
A keyset page starts from the last row the reader saw — `(created_at, id) > (t, 42)` — which an index on
(created_at, id) answers by reading only the page's rows, on page 1 and on page 5,000 alike. The cost: no
"page 7 of 412", only first / previous / next, which is what a desk working a queue or an archivist paging
through search results uses.

A cursor is the position of one row as text: `<microseconds since 1970 UTC>-<id>`, e.g. `1764720000123456-42`.
It names a position, not a permission — every list is still filtered by who may see what before it is paged.
A cursor that does not parse is ignored (the first page is shown), never a 500.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_CURSOR = re.compile(r"^(\d{1,18})-(\d{1,18})$")

Position = tuple[dt.datetime, int]


def cursor_encode(when: dt.datetime, pk: int) -> str:
    return f"{(when - _EPOCH) // dt.timedelta(microseconds=1)}-{pk}"


def cursor_decode(text: str | None) -> Position | None:
    """The (datetime, id) a cursor names, or None when `text` is empty or not a cursor."""
    match = _CURSOR.match((text or "").strip())
    if not match:
        return None
    try:
        when = _EPOCH + dt.timedelta(microseconds=int(match[1]))
    except OverflowError:
        return None
    return when, int(match[2])


def seek(queryset: QuerySet, key: str, position: Position, *, forward: bool) -> QuerySet:
    """Rows strictly after (`forward`) or before `position` in (key, id) order: one row-value comparison,
    which an index on (key, id) — or (…equality columns, key, id) — reads as a range."""
    lookup = TupleGreaterThan if forward else TupleLessThan
    return queryset.filter(lookup(Tuple(F(key), F("id")), position))


@dataclass(frozen=True)
class KeysetPage:
    items: list[Any]
    next_cursor: str = ""  # empty on the last page
    prev_cursor: str = ""  # empty on the first page

    @property
    def is_first(self) -> bool:
        return not self.prev_cursor

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.prev_cursor)

    def query(self, base: str, name: str, cursor: str) -> str:
        """`base` (an urlencoded query without the cursor parameters) plus `name=cursor`."""
        return f"{base}&{name}={cursor}" if base else f"{name}={cursor}"


def keyset_page(queryset: QuerySet, *, key: str, size: int, after: str = "", before: str = "",
                descending: bool = False) -> KeysetPage:
    """One page of `queryset` in (key, id) order — newest first when `descending`. `after`/`before` are cursors
    from an earlier page's `next_cursor`/`prev_cursor`; with neither (or neither parsing) the first page."""
    size = max(1, size)
    after_at, before_at = cursor_decode(after), cursor_decode(before)
    order = (f"-{key}", "-id") if descending else (key, "id")
    reverse = (key, "id") if descending else (f"-{key}", "-id")

    def position(row) -> str:
        return cursor_encode(getattr(row, key), row.pk)

    if before_at and not after_at:
        # The page before: read backwards from the cursor, then turn the rows round.
        rows = list(seek(queryset, key, before_at, forward=descending).order_by(*reverse)[: size + 1])
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        if not rows:
            return keyset_page(queryset, key=key, size=size, descending=descending)
        return KeysetPage(rows, next_cursor=position(rows[-1]),
                          prev_cursor=position(rows[0]) if more_before else "")
    page = seek(queryset, key, after_at, forward=not descending) if after_at else queryset
    rows = list(page.order_by(*order)[: size + 1])
    if after_at and not rows:  # past the end (the rows left the list meanwhile): the first page
        return keyset_page(queryset, key=key, size=size, descending=descending)
    more_after = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows, next_cursor=position(rows[-1]) if more_after and rows else "",
                      prev_cursor=position(rows[0]) if after_at and rows else "")
