"""Insert a row unless a unique key already holds one, in one statement.

``get_or_create`` (or a look-up, then an insert under a savepoint so that a racing twin's
row does not abort the caller's transaction) costs up to five statements. PostgreSQL's
``INSERT ... ON CONFLICT (key) DO NOTHING`` does the same in one: a twin racing on the key
makes it wait for the twin's transaction, then insert nothing (or insert, if the twin
rolled back); no error, so no savepoint. Any other violation raises as usual.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.db.models.expressions import DatabaseDefault


def insert_unless_taken(instance: Model, *, conflict: tuple[str, ...]) -> bool:
    """Insert ``instance`` (unsaved) unless a row with its values of the ``conflict``
    columns exists; True if inserted, with its id and database defaults filled in."""
    meta = instance._meta
    quote = connection.ops.quote_name
    written: list[str] = []
    params: list[Any] = []
    returned: list[Field[Any, Any]] = []
    for field in meta.concrete_fields:
        value = field.pre_save(instance, True)
        if (field.primary_key and value is None) or isinstance(value, DatabaseDefault):
            returned.append(field)
            continue
        written.append(quote(field.column or field.attname))
        params.append(field.get_db_prep_save(value, connection))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(written)}) "  # noqa: S608 - our identifiers only
        f"VALUES ({', '.join(['%s'] * len(written))}) "
        f"ON CONFLICT ({', '.join(quote(column) for column in conflict)}) DO NOTHING "
        f"RETURNING {', '.join(quote(field.column or field.attname) for field in returned) or '1'}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    for field, value in zip(returned, row, strict=False):
        setattr(instance, field.attname, value)
    instance._state.adding = False
    instance._state.db = connection.alias
    return True
