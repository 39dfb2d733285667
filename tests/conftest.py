"""Shared test settings: hypothesis profiles, the --runslow switch, and the databases.

``database_url`` gives each test a fresh, empty database, once per backend: SQLite
always; PostgreSQL when ``TOUCHPOINTS_TEST_POSTGRES_URL`` names a server (``scripts/test``
starts one and sets it). Each PostgreSQL test gets its own database, cloned from a
template migrated once per run, and dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

#: A PostgreSQL server URL (any database on it), e.g.
#: ``postgresql+psycopg://postgres@127.0.0.1:55432/postgres``.
POSTGRES_ENV = "TOUCHPOINTS_TEST_POSTGRES_URL"
#: Set (by ``scripts/test`` when run as root, as in CI) to fail instead of skipping
#: the tests that need PostgreSQL or a browser.
STRICT_ENV = "TOUCHPOINTS_TEST_STRICT"


def missing(reason: str) -> None:
    """Skip the test for want of ``reason`` (fail, where everything must run)."""
    if os.environ.get(STRICT_ENV) == "1":
        pytest.fail(f"{reason} ({STRICT_ENV}=1: everything must run here)")
    pytest.skip(reason)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False, help="run slow tests")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs against PostgreSQL")
    config.addinivalue_line("markers", "browser: drives a real headless chromium")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: needs --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


class PostgresServer:
    """Creates and drops uniquely named databases on the test server."""

    def __init__(self, server_url: str) -> None:
        from sqlalchemy.engine import make_url

        url = make_url(server_url)
        self.url = url.set(drivername="postgresql+psycopg")
        self._admin_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._prefix = f"tp_test_{uuid.uuid4().hex[:8]}"
        self.template: str | None = None

    def _execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self._admin_url, autocommit=True) as connection:
            connection.execute(sql)  # type: ignore[arg-type]

    def url_of(self, database: str) -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        """A new database's name (a copy of ``template``, else empty)."""
        name = f"{self._prefix}_{uuid.uuid4().hex[:12]}"
        self._execute(
            f'CREATE DATABASE "{name}" TEMPLATE "{template or "template0"}" STRATEGY FILE_COPY'
        )
        return name

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """The PostgreSQL test server, with a template database on the latest migration."""
    server_url = os.environ.get(POSTGRES_ENV)
    if not server_url:
        missing(f"PostgreSQL tests need {POSTGRES_ENV} (bash scripts/test sets it)")
        return
    from touchpoints.storage.database import open_database

    server = PostgresServer(server_url)
    template = server.create()
    open_database(server.url_of(template)).kw["bind"].dispose()
    server.template = template
    yield server
    server.drop(template)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = server.create(template=server.template)
    yield server.url_of(name)
    server.drop(name)
