"""Inserting many new rows at once: PostgreSQL's COPY where we run on it, ``bulk_create`` elsewhere.

On PostgreSQL, ``bulk_create`` spends most of its time in Python, preparing every value of every row and
building one large statement. COPY streams plain tuples instead, with primary keys taken from the table's
sequence beforehand, so nothing has to be read back (see ``bench/bench_import.py`` for the figures).
"""

from collections.abc import Sequence

from django.db import connection
from django.db.models import AutoField, BigAutoField, Model, SmallAutoField
from django.utils import timezone

_AUTO = (AutoField, BigAutoField, SmallAutoField)


def insert_rows(
    model: type[Model], fields: Sequence[str], rows: Sequence[Sequence], *, return_ids: bool = False
) -> list[int]:
    """Insert ``rows`` (tuples of values for ``fields``, by attname); with ``return_ids``, their new pks in order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = model.objects.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=2000
        )
        return [obj.pk for obj in objs] if return_ids else []
    quote = connection.ops.quote_name
    opts = model._meta
    columns = [opts.get_field(name).column for name in fields]
    ids: list[int] = []
    with connection.cursor() as cursor:
        if return_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, opts.pk.column, len(rows)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            columns = [opts.pk.column, *columns]
        sql = f"COPY {quote(opts.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            if return_ids:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row((pk, *row))
            else:
                for row in rows:
                    copy.write_row(row)
    return ids


def insert_objects(objs: Sequence[Model]) -> None:
    """Insert new model instances of one model and set their pks, as ``bulk_create`` would."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=2000)
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, _AUTO)]
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    # COPY takes database values: a JSONField's dict becomes psycopg's Jsonb, and so on.
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] for obj in objs
    ]
    ids = insert_rows(model, [f.attname for f in fields], rows, return_ids=True)
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
