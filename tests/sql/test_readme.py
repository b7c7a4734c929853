"""The README's psql walk-through runs as written and ends with the booking confirmed."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_walkthrough_runs(conn):
    blocks = re.findall(r"```sql\n(.*?)```", README.read_text(), re.S)
    assert len(blocks) >= 5
    for block in blocks:
        conn.execute(block)
    booking = "50000000-0000-0000-0000-000000000001"
    assert conn.execute("SELECT status FROM seating.bookings WHERE id = %s", (booking,)).fetchone()[0] == "confirmed"
    assert (
        conn.execute(
            "SELECT count(*) FROM seating.booking_table_assignments WHERE booking_id = %s", (booking,)
        ).fetchone()[0]
        == 2
    )
