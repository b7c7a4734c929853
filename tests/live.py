"""A real server for tests that need real connections (event streams, the browser): uvicorn in a
thread, on a free port, against the test's own database."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

import httpx
import uvicorn

from app.http import create_app
from app.settings import Settings


class LiveServer:
    def __init__(self, settings: Settings):
        self.app = create_app(settings)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="on", timeout_graceful_shutdown=60
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="live-server", daemon=True)
        self.thread.start()
        started = threading.Event()
        while not self.server.started and self.thread.is_alive():
            started.wait(0.01)
        assert self.server.started, "the live server did not start"
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    @property
    def broadcaster(self):
        return self.app.state.broadcaster

    def stop(self, timeout: float = 30) -> None:
        """What SIGTERM does to `python -m app serve` (app.events.end_streams_on_exit_signals,
        then uvicorn's handle_exit: a server in a thread gets no signal), then wait."""
        broadcaster = self.broadcaster
        broadcaster._loop.call_soon_threadsafe(broadcaster.end_streams)
        self.server.handle_exit(signal.SIGTERM, None)
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the server did not stop"


@contextmanager
def live_server(settings: Settings):
    server = LiveServer(settings)
    try:
        yield server
    finally:
        if server.thread.is_alive():
            server.stop()


class EventReader:
    """Reads one Server-Sent Events stream: next() returns (event, data) or ("comment", text)."""

    def __init__(self, client: httpx.Client, url: str):
        self._context = client.stream("GET", url, timeout=httpx.Timeout(10.0, read=30.0))
        self.response = self._context.__enter__()
        self._lines = self.response.iter_lines()

    def next(self) -> tuple[str, str]:
        event = "message"
        data: list[str] = []
        for line in self._lines:
            if line.startswith(":"):
                return "comment", line[1:].strip()
            if line == "":
                if data:
                    return event, "\n".join(data)
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
        return "end", ""

    def next_event(self, *names: str) -> tuple[str, str]:
        """The next event among names (skipping others and comments)."""
        while True:
            event, data = self.next()
            if event in names or event == "end":
                return event, data

    def close(self) -> None:
        self._context.__exit__(None, None, None)
