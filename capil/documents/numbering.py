"""Document numbers: per kind and year, from the database. PostgreSQL: one real SEQUENCE per kind and year
(created on first use), safe across web processes and workers without locks. SQLite: a counter row
incremented in place inside a transaction (SQLite has no sequences; its writes are serialised). Never
Max()+1, which gives the same number to two concurrent issuers.

Like every database sequence, a number taken by an issue that then fails (the signing service is down)
is not given out again: the register may have gaps, never duplicates."""

import re

from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.db.models import F

from .kinds import output_kind_get
from .models import DocumentNumberCounter


def _sequence_name(kind: str, year: int) -> str:
    name = f"documents_number_{kind.replace('-', '_')}_{int(year)}"
    if not re.fullmatch(r"[a-z0-9_]{1,63}", name):
        raise ValueError(f"unsafe sequence name {name!r}")
    return name


def document_number_next(*, kind: str, year: int) -> int:
    """The next sequence number of `kind` in `year` (1, 2, 3, …). KeyError for an unknown kind."""
    output_kind_get(kind)
    if connection.vendor == "postgresql":
        name = _sequence_name(kind, year)
        with connection.cursor() as cursor:
            try:
                # Two first issuers of a year may race to create the sequence; the loser's savepoint is
                # rolled back and it simply uses the sequence the winner created.
                with transaction.atomic():
                    cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}"')
            except (IntegrityError, ProgrammingError):
                pass
            cursor.execute("SELECT nextval(%s)", [name])
            return int(cursor.fetchone()[0])
    with transaction.atomic():
        DocumentNumberCounter.objects.get_or_create(kind=kind, year=year)
        DocumentNumberCounter.objects.filter(kind=kind, year=year).update(value=F("value") + 1)
        return DocumentNumberCounter.objects.values_list("value", flat=True).get(kind=kind, year=year)
