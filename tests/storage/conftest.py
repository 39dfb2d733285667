"""A session on a fresh database, once per backend (see ``database_url``)."""

from __future__ import annotations

import pytest

from touchpoints.storage.database import open_database


@pytest.fixture
def db(database_url):
    """A session in one transaction, committed at the end of the test."""
    factory = open_database(database_url)
    with factory.begin() as session:
        yield session
    factory.kw["bind"].dispose()
