"""Live updates for the staff page (DESIGN §11): one LISTEN connection per app process, fanned
out to a bounded queue per open event stream.

PostgreSQL statement triggers (sql/functions/_notify_*_change.sql) send one NOTIFY on `seating_changes` per
statement and restaurant. The listener hands each to the streams of that restaurant. A stream
whose queue is full has fallen behind: a transaction's notifications all arrive at its commit
(a batch that seats 30 bookings sends over 100), faster than any stream can take them. Its
queue is then replaced by one `resync` (refetch everything), and the changes after it are moot
until the client has taken that; a client that has not taken it within a keepalive period
stopped reading, and is dropped (told so if it ever reads again). Either way it never slows the
others. LISTEN/NOTIFY is not durable, so a client refetches what it shows whenever its stream
(re)opens, and every stream is told to refetch when the listener reconnects after losing its
connection."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

import msgspec
import psycopg
from litestar.response import ServerSentEventMessage

log = logging.getLogger("seating.events")

CLOSE_SECONDS = 5.0
CHANNEL = "seating_changes"


@dataclass(frozen=True)
class Change:
    """One change as the stream sends it: the SSE event name (the payload's kind) and its JSON."""

    kind: str
    data: str


# What a stream's queue may carry besides changes.
RESYNC = Change("resync", '{"reason": "the listener reconnected; refetch"}')
BEHIND = Change("resync", '{"reason": "more changes than the stream queues at once; refetch"}')
_DROPPED = object()  # the client stopped reading: end its stream
_CLOSED = object()  # the app is stopping: end its stream


class Subscriber:
    """One open event stream of one restaurant."""

    def __init__(self, restaurant_id: str, queue_size: int, stall_seconds: float):
        self.restaurant_id = restaurant_id
        self.queue: asyncio.Queue[object] = asyncio.Queue(queue_size)
        self.stall_seconds = stall_seconds
        self.behind_since: float | None = None  # when BEHIND was queued; None once the stream took it

    def offer(self, item: object) -> bool:
        """Queue an item without waiting. When the queue is full, it becomes BEHIND alone, and
        what comes next is absorbed until the stream takes it; False (drop this client) when it
        has not taken it within stall_seconds."""
        if self.behind_since is not None:
            return time.monotonic() - self.behind_since <= self.stall_seconds
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.end(BEHIND)
            self.behind_since = time.monotonic()
        return True

    def take(self, item: object) -> object:
        """What the stream took from the queue, noted: after BEHIND, changes queue again."""
        if item is BEHIND:
            self.behind_since = None
        return item

    def end(self, marker: object) -> None:
        # What is still queued is moot once the stream ends; the marker always fits after it.
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(marker)


class Broadcaster:
    """The process's one listener connection and the streams it feeds."""

    def __init__(self, conninfo: str, queue_size: int = 64, retry_seconds: float = 1.0, stall_seconds: float = 15.0):
        self.conninfo = conninfo
        self.queue_size = queue_size
        self.retry_seconds = retry_seconds
        self.stall_seconds = stall_seconds
        self.listening = asyncio.Event()
        self.dropped = 0  # streams dropped for not reading, since start
        self._subscribers: dict[str, set[Subscriber]] = {}
        self._task: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def streams(self) -> int:
        return sum(len(s) for s in self._subscribers.values())

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._listen(), name="seating-listener")
        _LIVE.add(self)

    async def close(self) -> None:
        """End every open stream, then stop listening."""
        _LIVE.discard(self)
        self.end_streams()
        if self._task is not None:
            self._task.cancel()
            # Bounded: a cancel that lands while psycopg connects can leave the task waiting on
            # its socket, and an app must never hang on shutdown for its listener.
            done, _ = await asyncio.wait({self._task}, timeout=CLOSE_SECONDS)
            if not done:
                log.warning("event listener did not stop within %s s; leaving it to the loop's end", CLOSE_SECONDS)

    def end_streams(self) -> None:
        for subscribers in self._subscribers.values():
            for subscriber in subscribers:
                subscriber.end(_CLOSED)
        self._subscribers.clear()

    def subscribe(self, restaurant_id: str) -> Subscriber:
        subscriber = Subscriber(restaurant_id, self.queue_size, self.stall_seconds)
        self._subscribers.setdefault(restaurant_id, set()).add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        subscribers = self._subscribers.get(subscriber.restaurant_id)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self._subscribers[subscriber.restaurant_id]

    def publish(self, restaurant_id: str, change: Change) -> None:
        for subscriber in list(self._subscribers.get(restaurant_id, ())):
            if not subscriber.offer(change):
                self.unsubscribe(subscriber)
                subscriber.end(_DROPPED)
                self.dropped += 1
                log.warning("event stream dropped: its client read nothing for %s s", self.stall_seconds)

    def _publish_everywhere(self, change: Change) -> None:
        for restaurant_id in list(self._subscribers):
            self.publish(restaurant_id, change)

    def _dispatch(self, payload: str) -> None:
        try:
            fields = msgspec.json.decode(payload)
            restaurant_id, kind = str(fields["restaurantId"]), str(fields["kind"])
        except (msgspec.DecodeError, KeyError, TypeError):
            log.warning("ignored a malformed notification on %s", CHANNEL)
            return
        self.publish(restaurant_id, Change(kind, payload))

    async def _listen(self) -> None:
        first = True
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    if not first:  # changes made while nobody listened are lost: refetch
                        self._publish_everywhere(RESYNC)
                    first = False
                    async for notify in conn.notifies():
                        self._dispatch(notify.payload)
            except psycopg.Error as error:
                self.listening.clear()
                log.warning("event listener lost its connection (%s); retrying", type(error).__name__)
                first = False
                await asyncio.sleep(self.retry_seconds)


async def stream(
    broadcaster: Broadcaster, subscriber: Subscriber, keepalive_seconds: float
) -> AsyncIterator[ServerSentEventMessage]:
    """One client's event stream: `ready` once subscribed (refetch now), then one event per
    change (or one `resync` for a burst the queue cannot hold), a comment every
    keepalive_seconds of silence; `dropped` when it stopped reading."""
    try:
        yield ServerSentEventMessage(event="ready", data='{"refetch": true}', retry=1000)
        while True:
            try:
                item = subscriber.take(await asyncio.wait_for(subscriber.queue.get(), keepalive_seconds))
            except TimeoutError:
                # data=None: a comment only, which EventSource ignores (no empty message event).
                yield ServerSentEventMessage(comment="keepalive", data=None)
                continue
            if item is _CLOSED:
                return
            if item is _DROPPED:
                yield ServerSentEventMessage(
                    event="dropped", data='{"reason": "stopped reading; reconnect and refetch"}'
                )
                return
            assert isinstance(item, Change)
            yield ServerSentEventMessage(event=item.kind, data=item.data)
    finally:
        broadcaster.unsubscribe(subscriber)


# --- clean shutdown with open streams ----------------------------------------------------------
# uvicorn waits for open responses to finish before it runs the app's shutdown, and an event
# stream never finishes by itself: without this, every stop would wait out the graceful timeout.
_LIVE: weakref.WeakSet[Broadcaster] = weakref.WeakSet()


def end_streams_on_exit_signals() -> None:
    """Chain the server's SIGINT and SIGTERM handlers so that an exit signal also ends this
    process's open event streams at once. uvicorn waits for open responses before it shuts the
    app down, so an open stream would otherwise hold every stop for its graceful timeout. Called
    from the app's startup, after the server has installed its handlers; only the main thread
    may (a server run in a thread, as in tests, keeps its own)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(signum)
        if not callable(previous) or getattr(previous, "ends_event_streams", False):
            continue

        def handler(sig: int, frame: FrameType | None, previous: Callable[..., Any] = previous) -> None:
            previous(sig, frame)
            for broadcaster in list(_LIVE):
                if broadcaster._loop is not None and not broadcaster._loop.is_closed():
                    broadcaster._loop.call_soon_threadsafe(broadcaster.end_streams)

        handler.ends_event_streams = True  # type: ignore[attr-defined]
        signal.signal(signum, handler)
