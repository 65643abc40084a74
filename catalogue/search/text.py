"""Text search over titles, descriptions and places in every language, accents ignored."""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, String, bindparam, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import column, table

from catalogue.search.query import (
    ACTIVITIES,
    Shape,
    activity_conditions,
    dialect_of,
    hydrate,
    parameters,
    shape_of,
)
from catalogue.search.types import ActivityHit, SearchFilters

_WORD = re.compile(r"\w+")
# Enough for any real query; a pasted paragraph should not become a huge boolean query.
MAX_WORDS = 12
_FTS = table("activity_fts", column("rowid"))


def query_words(text: str) -> list[str]:
    """Split what a person typed into lower-case words, dropping punctuation."""
    return [word.lower() for word in _WORD.findall(text)][:MAX_WORDS]


def fts5_query(words: list[str]) -> str:
    """An FTS5 query matching every word, the last one as a prefix."""
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def tsquery(words: list[str]) -> str:
    """A PostgreSQL tsquery matching every word, the last one as a prefix."""
    quoted = [f"'{word}'" for word in words]
    quoted[-1] += ":*"
    return " & ".join(quoted)


@lru_cache(maxsize=64)
def _text_statement(shape: Shape) -> Select:
    table_ = ACTIVITIES.c
    query = bindparam("t_query", type_=String())
    if shape.dialect == "postgresql":
        vector = func.colbot_search_vector(
            table_.titles, table_.descriptions, table_.venue_name, table_.address
        )
        tsq = func.to_tsquery("simple", func.colbot_unaccent(query))
        statement = (
            select(table_.id)
            .where(vector.op("@@")(tsq), *activity_conditions(shape))
            .order_by(func.ts_rank(vector, tsq).desc(), table_.id)
        )
    else:
        fts: ColumnElement[Any] = literal_column("activity_fts")
        statement = (
            select(table_.id)
            .select_from(_FTS.join(ACTIVITIES, table_.id == _FTS.c.rowid))
            .where(fts.op("MATCH")(query), *activity_conditions(shape, city_index=False))
            # bm25 is lower for better matches; titles weigh most, then descriptions, then place.
            .order_by(func.bm25(fts, 10.0, 3.0, 1.0), table_.id)
        )
    return statement.limit(bindparam("p_limit")).offset(bindparam("p_offset"))


async def search_text(
    session: AsyncSession,
    *,
    city_id: int | None,
    text: str,
    filters: SearchFilters | None = None,
    limit: int = 10,
    offset: int = 0,
    now: datetime,
) -> list[ActivityHit]:
    """Return activities whose texts contain every word typed, best matches first."""
    filters = filters or SearchFilters()
    words = query_words(text)
    if not words:
        return []
    dialect = dialect_of(session)
    statement = _text_statement(shape_of(dialect, city_id, filters))
    values = {
        **parameters(city_id, filters, now),
        "t_query": tsquery(words) if dialect == "postgresql" else fts5_query(words),
        "p_limit": limit,
        "p_offset": offset,
    }
    ids = list((await session.scalars(statement, values)).all())
    return await hydrate(session, ids, filters, now)
