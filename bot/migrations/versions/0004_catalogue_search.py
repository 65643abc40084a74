"""catalogue search indexes (full text, spatial)

SQLite: an R*Tree of activity points and an FTS5 table of their texts, kept in step by
``catalogue.index.reindex_activities``. PostgreSQL: expression indexes (GiST over
``ll_to_earth`` when cube/earthdistance can be installed, else a btree on latitude/longitude;
GIN over an accent-folded ``tsvector``), so nothing needs reindexing there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The SQL below is frozen here on purpose: catalogue/index.py may change what it indexes later,
# but this revision must always build the same thing.
SQLITE_UP = [
    "CREATE VIRTUAL TABLE activity_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon)",
    "CREATE VIRTUAL TABLE activity_fts USING fts5(title, body, place, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
    "INSERT INTO activity_rtree (id, min_lat, max_lat, min_lon, max_lon) "
    "SELECT id, latitude, latitude, longitude, longitude FROM activities "
    "WHERE latitude IS NOT NULL AND longitude IS NOT NULL "
    "AND status = 'active' AND duplicate_of_id IS NULL",
    "INSERT INTO activity_fts (rowid, title, body, place) "
    "SELECT a.id, "
    "coalesce((SELECT group_concat(value, ' ') FROM json_each(a.titles)), ''), "
    "coalesce((SELECT group_concat(value, ' ') FROM json_each(a.descriptions)), ''), "
    "trim(coalesce(a.venue_name, '') || ' ' || coalesce(a.address, '')) "
    "FROM activities a WHERE a.status = 'active' AND a.duplicate_of_id IS NULL",
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS activity_fts", "DROP TABLE IF EXISTS activity_rtree"]

SEARCH_VECTOR = """
CREATE OR REPLACE FUNCTION {s}.colbot_search_vector(
    titles json, descriptions json, venue text, address text
) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT setweight(to_tsvector('simple', {s}.colbot_unaccent(coalesce(
           CASE WHEN json_typeof($1) = 'object'
                THEN (SELECT string_agg(value, ' ') FROM json_each_text($1)) END, ''))), 'A')
    || setweight(to_tsvector('simple', {s}.colbot_unaccent(coalesce(
           CASE WHEN json_typeof($2) = 'object'
                THEN (SELECT string_agg(value, ' ') FROM json_each_text($2)) END, ''))), 'B')
    || setweight(to_tsvector('simple', {s}.colbot_unaccent(concat_ws(' ', $3, $4))), 'C')
$$
"""


def _try_extension(bind: sa.Connection, name: str) -> bool:
    """Install an extension if the server has it and we may; never abort the migration."""
    available = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = :name"), {"name": name}
    ).first()
    if available is None:
        return False
    try:
        with bind.begin_nested():
            bind.exec_driver_sql(f"CREATE EXTENSION IF NOT EXISTS {name}")
    except sa.exc.DBAPIError:
        return False
    return True


def _extension_schema(bind: sa.Connection, name: str) -> str:
    return bind.execute(
        sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = :n"),
        {"n": name},
    ).scalar_one()


def _upgrade_postgresql(bind: sa.Connection) -> None:
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar_one()
    if _try_extension(bind, "unaccent"):
        where = _extension_schema(bind, "unaccent")
        body = f"SELECT {where}.unaccent('{where}.unaccent'::regdictionary, $1)"
    else:
        body = "SELECT $1"
    bind.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION {schema}.colbot_unaccent(value text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ {body} $$"
    )
    bind.exec_driver_sql(SEARCH_VECTOR.format(s=schema))
    bind.exec_driver_sql(
        "CREATE INDEX ix_activities_search ON activities USING gin "
        f"({schema}.colbot_search_vector(titles, descriptions, venue_name, address))"
    )
    if _try_extension(bind, "cube") and _try_extension(bind, "earthdistance"):
        bind.exec_driver_sql(
            "CREATE INDEX ix_activities_earth ON activities USING gist "
            "(ll_to_earth(latitude, longitude)) "
            "WHERE latitude IS NOT NULL AND longitude IS NOT NULL"
        )
    else:
        bind.exec_driver_sql(
            "CREATE INDEX ix_activities_lat_lon ON activities (latitude, longitude)"
        )


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _upgrade_postgresql(bind)
    else:
        for statement in SQLITE_UP:
            bind.exec_driver_sql(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for statement in (
            "DROP INDEX IF EXISTS ix_activities_earth",
            "DROP INDEX IF EXISTS ix_activities_lat_lon",
            "DROP INDEX IF EXISTS ix_activities_search",
            "DROP FUNCTION IF EXISTS colbot_search_vector(json, json, text, text)",
            "DROP FUNCTION IF EXISTS colbot_unaccent(text)",
        ):
            bind.exec_driver_sql(statement)
    else:
        for statement in SQLITE_DOWN:
            bind.exec_driver_sql(statement)
