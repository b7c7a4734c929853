from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.support import standard_floor


@pytest.fixture
def floor(conn):
    return standard_floor(conn)


@pytest.fixture
def pool():
    """Threads for calls that must run beside the test's own connection (explicit step order)."""
    with ThreadPoolExecutor(max_workers=4) as executor:
        yield executor


@pytest.fixture
def connect(db_url):
    """Opens more connections to this test's database; all are closed after the test."""
    opened = []

    def _connect(autocommit: bool = True) -> psycopg.Connection:
        connection = psycopg.connect(db_url, autocommit=autocommit)
        opened.append(connection)
        return connection

    yield _connect
    for connection in opened:
        connection.close()
