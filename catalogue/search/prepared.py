"""Core statements compiled once per database and run on the driver in a single round trip.

`AsyncSession.execute` walks the statement for its cache key on every call and, with aiosqlite,
hands the worker thread four requests per statement (open cursor, execute, fetch, close). A
query that runs for every location a learner sends skips that: its SQL text, parameter order
and type conversions are worked out once, and the rows come back from one driver call
(asyncpg keeps the statement prepared). Statements whose SQL depends on the values (expanding
IN lists) and other drivers take the ordinary path. Rows are plain tuples in column order.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Float, Numeric, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

Convert = Callable[[Any], Any]
_DRIVERS = frozenset({"aiosqlite", "asyncpg"})
# PostgreSQL plans a prepared statement's first five runs with the values at hand, and only then
# may switch to its generic plan. For a k-nearest-neighbour walk bounded by a box the custom
# plans go wrong: the box's selectivity is a fixed guess (0.1 %), so reading every row in the
# box and sorting them looks cheaper than walking the index nearest first, and on a whole city
# that is 45 ms at 10,000 activities and seconds at a million, on every new connection. The
# generic plan walks the index. SET LOCAL lasts until the transaction ends; it is undone at once.
_GENERIC = "SET LOCAL plan_cache_mode = force_generic_plan"
_AUTO = "SET LOCAL plan_cache_mode = DEFAULT"


@dataclass(frozen=True, slots=True)
class _Compiled:
    """SQL text, the bound names in positional order with their conversions, and the columns'."""

    sql: str
    # Each bound name once, with its conversion and default; then the order the SQL uses them.
    names: tuple[str, ...]
    binds: tuple[Convert | None, ...]
    defaults: Mapping[str, Any]
    order: tuple[int, ...]
    columns: tuple[tuple[int, Convert], ...]

    def parameters(self, values: Mapping[str, Any]) -> list[Any]:
        """Positional parameter values, converted as SQLAlchemy would."""
        converted = []
        for name, convert in zip(self.names, self.binds, strict=True):
            value = values[name] if name in values else self.defaults[name]
            converted.append(convert(value) if convert and value is not None else value)
        return [converted[index] for index in self.order]

    def rows(self, raw: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        """Driver rows as tuples with result conversions applied."""
        if not self.columns:
            return [tuple(row) for row in raw]
        out = []
        for row in raw:
            values = list(row)
            for index, convert in self.columns:
                values[index] = convert(values[index])
            out.append(tuple(values))
        return out


@lru_cache(maxsize=128)
def _compile(statement: Select, dialect: Dialect) -> _Compiled | None:
    if dialect.driver not in _DRIVERS:
        return None
    compiled = statement.compile(dialect=dialect)
    positions = tuple(compiled.positiontup or ())
    if "POSTCOMPILE" in compiled.string or (compiled.binds and not positions):
        return None
    names = tuple(dict.fromkeys(positions))
    binds = [compiled.binds[name] for name in names]
    columns = []
    for index, column in enumerate(statement.selected_columns):
        if isinstance(column.type, Float | Numeric) and not column.type.asdecimal:
            continue  # Both drivers return floats, and asyncpg's check needs the wire type.
        convert = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if convert is not None:
            columns.append((index, convert))
    return _Compiled(
        sql=compiled.string,
        names=names,
        binds=tuple(bind.type.dialect_impl(dialect).bind_processor(dialect) for bind in binds),
        defaults={name: bind.value for name, bind in zip(names, binds, strict=True)},
        order=tuple(names.index(name) for name in positions),
        columns=tuple(columns),
    )


async def fetch_all(
    session: AsyncSession,
    statement: Select,
    values: Mapping[str, Any],
    *,
    generic_plan: bool = False,
) -> Sequence[Sequence[Any]]:
    """All rows of ``statement`` with ``values``, inside the session's transaction.

    Pending ORM changes are not flushed first (the project's sessions do not autoflush).
    ``generic_plan`` makes PostgreSQL use the statement's generic plan from its first run (see
    `_GENERIC`); other databases ignore it.
    """
    connection = await session.connection()
    compiled = _compile(statement, connection.dialect)
    if compiled is None:
        return (await session.execute(statement, values)).all()
    driver = (await connection.get_raw_connection()).driver_connection
    parameters = compiled.parameters(values)
    if connection.dialect.driver == "asyncpg":
        if generic_plan:
            if driver.is_in_transaction():  # type: ignore[union-attr]
                await driver.execute(_GENERIC)  # type: ignore[union-attr]
            else:  # SQLAlchemy opens the session's transaction first
                await connection.exec_driver_sql(_GENERIC)
        try:
            raw = await driver.fetch(compiled.sql, *parameters)  # type: ignore[union-attr]
        except Exception:
            if generic_plan:
                # The transaction may be aborted (then its rollback undoes the SET LOCAL too);
                # if it is not, the setting must not outlive this statement.
                with contextlib.suppress(Exception):
                    await driver.execute(_AUTO)  # type: ignore[union-attr]
            raise
        if generic_plan:
            await driver.execute(_AUTO)  # type: ignore[union-attr]
    else:
        raw = await driver.execute_fetchall(compiled.sql, parameters)  # type: ignore[union-attr]
    return compiled.rows(raw)
