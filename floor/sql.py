"""What the flows' hand-written statements share. A scan's hottest statements are written out
rather than built by the ORM (building them cost more CPU than PostgreSQL spends running them);
names still come from the models' _meta, values go in through the fields' preparation and come
back through the backend's and the fields' converters, as the ORM would do it, on PostgreSQL and
SQLite alike."""

from decimal import Context, Decimal
from functools import cache

from django.db import connection

_FLOATS = Context(prec=15)  # as the ORM reads a SQLite decimal stored as a float


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model) -> str:
    return quote(model._meta.db_table)


def column(model, name: str) -> str:
    return quote(model._meta.get_field(name).column)


def decimal(value, places: str = "0.001") -> Decimal:
    """A quantity or sum read by hand: PostgreSQL gives a Decimal, SQLite an int or a float."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        value = _FLOATS.create_decimal_from_float(value)
    return Decimal(value).quantize(Decimal(places))


def for_update(of: str) -> str:
    """Row locks on the tables aliased `of` (PostgreSQL); SQLite locks the database instead."""
    if not connection.features.has_select_for_update:
        return ""
    return f" FOR UPDATE OF {of}" if connection.features.has_select_for_update_of else " FOR UPDATE"


def cache_related(instance, name: str, value) -> None:
    instance._meta.get_field(name).set_cached_value(instance, value)


class Part:
    """One model's columns in a SELECT under a table alias (`columns`, `table`), and its
    instance built back from a row (`build`). Made per database vendor: the converters differ."""

    def __init__(self, model, alias: str):
        self.model = model
        self.fields = model._meta.concrete_fields
        self.pk_index = self.fields.index(model._meta.pk)
        self.columns = ", ".join(f"{alias}.{quote(field.column)}" for field in self.fields)
        self.table = f"{table(model)} {alias}"
        self.converters = []
        for n, field in enumerate(self.fields):
            col = field.get_col(alias)
            convert = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if convert:
                self.converters.append((n, col, convert))

    def __len__(self):
        return len(self.fields)

    def build(self, row, start: int = 0):
        """The instance from `row[start:]`; None when its primary key is NULL (an outer join missed)."""
        values = row[start : start + len(self.fields)]
        if values[self.pk_index] is None:
            return None
        if self.converters:
            values = list(values)
            for n, col, convert in self.converters:
                for f in convert:
                    values[n] = f(values[n], col, connection)
        return self.model.from_db(connection.alias, None, values)


class Columns:
    """Several models' parts in one SELECT, one after the other; `instances(row)` builds them all
    (None for a model whose primary key came back NULL: an outer join)."""

    _made: dict = {}

    @classmethod
    def of(cls, *models_and_aliases):
        key = (connection.vendor, models_and_aliases)
        if key not in cls._made:
            cls._made[key] = cls(models_and_aliases)
        return cls._made[key]

    def __init__(self, models_and_aliases):
        self.parts = [Part(model, alias) for model, alias in models_and_aliases]
        self.sql = ", ".join(part.columns for part in self.parts)

    def instances(self, row) -> list:
        made, start = [], 0
        for part in self.parts:
            made.append(part.build(row, start))
            start += len(part)
        return made


def fetch(sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@cache
def _update_sql(model, names: tuple[str, ...]) -> tuple[str, list]:
    fields = [model._meta.get_field(name) for name in names]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    return f"UPDATE {table(model)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s", fields  # noqa: S608


def update(instance, *names: str) -> None:
    """`instance.save(update_fields=names)`: each field prepares its value as save() would
    (auto_now included, when named)."""
    sql, fields = _update_sql(type(instance), names)
    values = [field.get_db_prep_save(field.pre_save(instance, False), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, instance.pk])


@cache
def _insert_sql(model) -> tuple[str, list]:
    fields = [field for field in model._meta.concrete_fields if field is not model._meta.auto_field]
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {table(model)} ({columns}) VALUES ({values}) RETURNING {quote(model._meta.pk.column)}", fields  # noqa: S608


def insert(instance, *, along: tuple[str, list] | None = None) -> None:
    """`instance.save()` for a new row of a model with an automatic key (RETURNING: PostgreSQL,
    and SQLite since 3.35): each field prepares its value as save() would (auto_now_add too).
    `along`: another write, (SQL, parameters), sent in the same round trip on PostgreSQL (a
    data-modifying WITH); SQLite has none, and runs it first."""
    sql, fields = _insert_sql(type(instance))
    values = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    with connection.cursor() as cursor:
        if along is not None:
            along_sql, along_values = along
            if connection.vendor == "postgresql":
                sql, values = f"WITH along AS ({along_sql}) {sql}", [*along_values, *values]
            else:
                cursor.execute(along_sql, along_values)
        cursor.execute(sql, values)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding, instance._state.db = False, connection.alias
