"""The sweeper inside the app (DESIGN §13), so nothing needs cron: every worker runs a timer, and
api.run_sweeper lets one of them at a time (an advisory lock) expire sessions about once per
SWEEP_INTERVAL_SECONDS between them all, and purge history older than RETENTION_DAYS hourly.
Expiry never depends on it: it only tidies rows and records EXPIRED transitions."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from litestar import Litestar

from app import db
from app.settings import Settings

log = logging.getLogger("seating.sweeper")


async def sweep_forever(pool, settings: Settings) -> None:
    # A first tick soon after start, at a random offset so the workers' timers spread out.
    await asyncio.sleep(random.uniform(0, min(1.0, settings.sweep_interval_seconds)))
    while True:
        try:
            tick = await db.run_sweeper(pool, settings.sweep_interval_seconds, settings.retention_days)
            if tick["expired"] or tick["purged_sessions"] or tick["purged_staff_tokens"]:
                log.info({"message": "sweeper", **{k: v for k, v in tick.items() if k != "ran"}})
        except Exception:  # a database that is down now may be back at the next tick
            log.warning("sweeper tick failed", exc_info=True)
        await asyncio.sleep(settings.sweep_interval_seconds)


def sweeper_lifespan(settings: Settings):
    """A lifespan hook running the sweeper beside the app (SWEEP_INTERVAL_SECONDS=0: none)."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if settings.sweep_interval_seconds <= 0:
            yield
            return
        task = asyncio.create_task(sweep_forever(app.state.pool, settings), name="seating-sweeper")
        try:
            yield
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    return lifespan
