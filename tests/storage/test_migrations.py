"""The migrations build exactly the tables the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from touchpoints.storage.database import open_database
from touchpoints.storage.schema import Base


def test_the_migrated_database_matches_the_models(database_url):
    engine = open_database(database_url).kw["bind"]
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
