"""Writing many rows of one model fast: COPY on PostgreSQL (psycopg's cursor.copy), bulk_create elsewhere.

Rows are dicts keyed by the model's field attnames (`applicant_id`, not `applicant`). A field a row leaves out
gets the field's default (called per row when it is callable, so unique defaults such as uuid4 stay unique),
or NULL. `auto_now`/`auto_now_add` fields must be given explicitly: scale data has a history, not "now".
Primary keys are given by the caller, so rows of other tables can point at them without a round trip;
`reset_sequences` moves the id sequences past them afterwards.
"""

from collections.abc import Iterable

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED


class TableWriter:
    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.attnames = [f.attname for f in self.fields]
        self.count = 0
        self._defaults = []
        for field in self.fields:
            if field.has_default():
                self._defaults.append(field.default)
            elif field.null or field.primary_key:
                self._defaults.append(None)
            elif field.blank and isinstance(field, models.CharField | models.TextField):
                self._defaults.append("")
            else:
                self._defaults.append(NOT_PROVIDED)
        self._json = [isinstance(f, models.JSONField) for f in self.fields]
        self._postgres = connection.vendor == "postgresql"
        self._pending: list[tuple] = []

    def _tuple(self, row: dict) -> tuple:
        values = []
        for attname, default, is_json in zip(self.attnames, self._defaults, self._json, strict=True):
            if attname in row:
                value = row[attname]
            elif default is NOT_PROVIDED:
                raise ValueError(f"{self.model.__name__}.{attname} has no default and was not given")
            else:
                value = default() if callable(default) else default
            if is_json and value is not None and self._postgres:
                from psycopg.types.json import Jsonb

                value = Jsonb(value)
            values.append(value)
        return tuple(values)

    def write(self, row: dict) -> None:
        """Buffer one row; `flush` writes the buffer. PostgreSQL allows one COPY at a time per connection,
        so the caller flushes its tables one after another, referenced tables first."""
        self.count += 1
        self._pending.append(self._tuple(row))

    def write_many(self, rows: Iterable[dict]) -> None:
        for row in rows:
            self.write(row)

    def flush(self) -> None:
        if not self._pending:
            return
        if self._postgres:
            cursor = connection.cursor().cursor  # the psycopg cursor behind Django's wrapper
            columns = ", ".join(f'"{c}"' for c in self.columns)
            with cursor.copy(f'COPY "{self.model._meta.db_table}" ({columns}) FROM STDIN') as copy:
                for values in self._pending:
                    copy.write_row(values)
        else:
            objs = []
            for values in self._pending:
                obj = self.model()
                for attname, value in zip(self.attnames, values, strict=True):
                    setattr(obj, attname, value)
                objs.append(obj)
            self.model.objects.bulk_create(objs, batch_size=500)
        self._pending = []

    def close(self) -> None:
        self.flush()


def next_id(model: type[models.Model]) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(models_: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
