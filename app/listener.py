"""The listening socket of a multi-worker server (python -m app serve --workers N)."""

from __future__ import annotations

import socket


def tcp_socket(host: str, port: int) -> socket.socket:
    # uvicorn binds its multi-worker socket without IPPROTO_TCP, so asyncio never sets TCP_NODELAY
    # on the accepted connections and every response stalls ~40 ms on delayed ACKs. Bind it here.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if hasattr(socket, "SO_REUSEPORT"):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


class WorkerListener:
    """Stands for the listening socket in the supervisor; each worker process unpickles it as a
    socket of its own on the same port (SO_REUSEPORT), and the kernel spreads new connections over
    the workers. On one shared socket, the worker that wakes first accepts a whole burst of
    connections, and keep-alive clients stay with it: with 8 clients and 2 workers, one worker
    served all 8 while the other idled."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port

    def __reduce__(self):
        return tcp_socket, (self.host, self.port)
