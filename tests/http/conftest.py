"""The HTTP app against this test's own database, as the least-privilege role."""

from dataclasses import replace

import pytest
from litestar.testing import TestClient

from app.http import create_app
from app.settings import Settings
from tests.support import call, standard_floor


@pytest.fixture
def settings(db_url):
    return replace(Settings.from_env(), database_url=db_url, pool_min_size=1, pool_max_size=4)


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def floor(conn):
    return standard_floor(conn)


@pytest.fixture
def tokens(conn, floor):
    """A bearer header per staff member of the standard floor."""
    return {
        name: {"Authorization": f"Bearer {call(conn, 'issue_staff_token', staff)['issue_staff_token']}"}
        for name, staff in floor.staff.items()
    }
