import pytest

from tests.support import standard_floor


@pytest.fixture
def floor(conn):
    return standard_floor(conn)
