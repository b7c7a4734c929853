"""The listening socket of a multi-worker server (python -m app serve --workers N)."""

from __future__ import annotations

import socket


def tcp_socket(host: str, port: int) -> socket.socket:
    # Bound here with IPPROTO_TCP, so asyncio sets TCP_NODELAY (uvicorn's own socket lacks it).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if hasattr(socket, "SO_REUSEPORT"):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


class WorkerListener:
    """Stands for the listening socket in the supervisor; each worker process unpickles it as a
    socket of its own on the same port (SO_REUSEPORT), so the kernel spreads new connections over
    the workers instead of the first to wake taking a whole burst."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port

    def __reduce__(self):
        return tcp_socket, (self.host, self.port)
