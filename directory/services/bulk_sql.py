"""Fast bulk writes on PostgreSQL, with the ORM's own bulk methods everywhere else.

`bulk_update` builds a CASE expression per field with a branch per row, and `bulk_create`
prepares every value through the ORM: both cost far more in Python than the database spends
on the rows. A recompute of 100,000 creators and an import of thousands of snapshots use these
instead: one `UPDATE … FROM unnest(arrays)` per batch, and `COPY` for new rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from django.db import connection, models
from django.db.models import Model

UPDATE_ROWS = 1000  # rows per UPDATE statement


def rows_update(model: type[Model], objs: Sequence[Model], fields: Sequence[str]) -> int:
    """Write `fields` of `objs` (matched by primary key); returns how many rows were sent."""
    if not objs:
        return 0
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, fields, batch_size=100)
        return len(objs)
    meta = model._meta
    pk = meta.pk
    concrete = [meta.get_field(name) for name in fields]
    columns = [pk, *concrete]
    quote = connection.ops.quote_name
    # One array per column, unnested side by side: a handful of parameters however many rows.
    arrays = ", ".join(f"%s::{f.cast_db_type(connection)}[]" for f in columns)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in concrete)
    names = ", ".join(quote(f.column) for f in columns)
    table = quote(meta.db_table)
    sql = (
        f"UPDATE {table} AS t SET {assignments}"  # noqa: S608 - names from the model
        f" FROM unnest({arrays}) AS v ({names})"
        f" WHERE t.{quote(pk.column)} = v.{quote(pk.column)}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objs), UPDATE_ROWS):
            chunk = objs[start : start + UPDATE_ROWS]
            params = [
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in chunk]
                for f in columns
            ]
            cursor.execute(sql, params)
    return len(objs)


def rows_copy(model: type[Model], columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert `rows` (plain Python values for `columns`) with COPY on PostgreSQL, or as model
    instances with `bulk_create` elsewhere. Values go in as they are (no field conversion), so
    they must already be what the column holds; JSON columns are wrapped here."""
    meta = model._meta
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=UPDATE_ROWS)
        return
    from django.db.models import JSONField
    from psycopg.types.json import Jsonb

    json_at = [i for i, c in enumerate(columns) if isinstance(meta.get_field(c), JSONField)]
    quote = connection.ops.quote_name
    names = ", ".join(quote(meta.get_field(c).column) for c in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            if json_at:
                row = list(row)  # noqa: PLW2901 - the same row, its JSON values wrapped
                for i in json_at:
                    row[i] = Jsonb(row[i])
            copy.write_row(row)


def rows_upsert(
    model: type[Model],
    objs: Sequence[Model],
    *,
    unique_fields: Sequence[str],
    update_fields: Sequence[str],
) -> int:
    """Insert `objs`, or update `update_fields` where a row with the same `unique_fields`
    exists; returns how many were sent. On PostgreSQL one statement per UPDATE_ROWS rows."""
    if not objs:
        return 0
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            objs,
            batch_size=UPDATE_ROWS,
            update_conflicts=True,
            unique_fields=unique_fields,
            update_fields=update_fields,
        )
        return len(objs)
    meta = model._meta
    names = [*unique_fields, *(f for f in update_fields if f not in unique_fields)]
    columns = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    arrays = ", ".join(f"%s::{f.cast_db_type(connection)}[]" for f in columns)
    column_list = ", ".join(quote(f.column) for f in columns)
    conflict = ", ".join(quote(meta.get_field(n).column) for n in unique_fields)
    updates = ", ".join(
        f"{quote(meta.get_field(n).column)} = EXCLUDED.{quote(meta.get_field(n).column)}"
        for n in update_fields
    )
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({column_list})"  # noqa: S608 - model names
        f" SELECT * FROM unnest({arrays})"
        f" ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objs), UPDATE_ROWS):
            chunk = objs[start : start + UPDATE_ROWS]
            cursor.execute(
                sql,
                [
                    [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in chunk]
                    for f in columns
                ],
            )
    return len(objs)


_PLAIN_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.TextField,
    models.SlugField,
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.FloatField,
    models.ForeignKey,
)
_PLAIN_TYPES = (str, int, float, bool, type(None))


def _prepared_value(obj: Model, field: models.Field) -> object:
    """The column's value as the ORM prepares it for the database."""
    return field.get_db_prep_save(field.pre_save(obj, add=True), connection)


def _plain_value(obj: Model, field: models.Field) -> object:
    value = getattr(obj, field.attname)
    if type(value) in _PLAIN_TYPES:
        return value
    return _prepared_value(obj, field)


def _datetime_value(obj: Model, field: models.Field) -> object:
    # pre_save fills auto_now(_add); an aware datetime or None is what the ORM's preparation
    # would hand PostgreSQL anyway (it only warns about, and converts, naive ones).
    value = field.pre_save(obj, add=True)
    if value is None or (type(value) is dt.datetime and value.tzinfo is not None):
        return value
    return field.get_db_prep_save(value, connection)


def _value_reader(field: models.Field) -> Callable[[Model, models.Field], object]:
    """How objs_copy reads `field`: plain columns and aware datetimes as they are (most of the
    ORM's per-value preparation is for other types), anything else prepared by the ORM."""
    if type(field) in _PLAIN_FIELDS:
        return _plain_value
    if type(field) is models.DateTimeField:
        return _datetime_value
    return _prepared_value


def pks_take(model: type[Model], count: int) -> list[int]:
    """`count` primary keys from the table's sequence (PostgreSQL), for rows written later."""
    if not count:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def pks_reserve(model: type[Model], objs: Sequence[Model]) -> None:
    """Give `objs` primary keys from the table's sequence (PostgreSQL), before writing them:
    rows that refer to them (foreign keys are checked at commit) can be written first."""
    for obj, pk in zip(objs, pks_take(model, len(objs)), strict=True):
        obj.pk = pk


def objs_copy(model: type[Model], objs: Sequence[Model]) -> None:
    """`bulk_create(objs)` (primary keys set on the objects), with COPY on PostgreSQL: the
    keys are taken from the table's sequence first (unless `pks_reserve` gave them already),
    then every column goes in one stream."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=UPDATE_ROWS)
        return
    meta = model._meta
    quote = connection.ops.quote_name
    pks_reserve(model, [obj for obj in objs if obj.pk is None])
    with connection.cursor() as cursor:
        fields = meta.concrete_fields
        names = ", ".join(quote(f.column) for f in fields)
        # Plain columns whose value is already what the database holds skip the ORM's
        # per-value preparation (most of the cost); the others go through it.
        values = [(_value_reader(f), f) for f in fields]
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([value(obj, f) for value, f in values])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
