"""Hand-written statements for the hottest paths of a scan, without the ORM's cost of building
them: table and column names from the models' _meta, values prepared and converted by the fields
and the backend as the ORM would (SQLite hands back text for decimals and dates). RETURNING needs
SQLite 3.35 or later, as Django does."""

from functools import cache

from django.db import connection


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def col(model, field: str) -> str:
    return q(model._meta.get_field(field).column)


def fetch(sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class Columns:
    """The columns of some models, each under its table alias, in one SELECT; and the instances
    made from a row of them (None for a model whose primary key came back NULL: an outer join)."""

    _made: dict = {}

    @classmethod
    def of(cls, *models_and_aliases):
        key = (connection.alias, models_and_aliases)
        if key not in cls._made:
            cls._made[key] = cls(models_and_aliases)
        return cls._made[key]

    def __init__(self, models_and_aliases):
        names, self.layout = [], []
        for model, alias in models_and_aliases:
            fields = model._meta.concrete_fields
            converters = []
            for i, field in enumerate(fields):
                column = field.get_col(alias)
                found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                if found:
                    converters.append((i, column, found))
                names.append(f"{alias}.{q(field.column)}")
            own = slice(len(names) - len(fields), len(names))
            self.layout.append((model, own, fields.index(model._meta.pk), converters))
        self.sql = ", ".join(names)

    def instances(self, row) -> list:
        made = []
        for model, own, pk, converters in self.layout:
            values = list(row[own])
            if values[pk] is None:
                made.append(None)
                continue
            for i, column, found in converters:
                for converter in found:
                    values[i] = converter(values[i], column, connection)
            made.append(model.from_db(connection.alias, None, values))
        return made


@cache
def _update_sql(model, names: tuple[str, ...]) -> tuple[str, list]:
    fields = [model._meta.get_field(name) for name in names]
    assignments = ", ".join(f"{q(field.column)} = %s" for field in fields)
    return f"UPDATE {q(model._meta.db_table)} SET {assignments} WHERE {q(model._meta.pk.column)} = %s", fields  # noqa: S608


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
    columns = ", ".join(q(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    pk = q(model._meta.pk.column)
    return f"INSERT INTO {q(model._meta.db_table)} ({columns}) VALUES ({values}) RETURNING {pk}", fields  # noqa: S608


def insert(instance) -> None:
    """`instance.save()` for a new row of a model with an automatic key."""
    sql, fields = _insert_sql(type(instance))
    values = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding, instance._state.db = False, connection.alias
