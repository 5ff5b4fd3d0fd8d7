"""A listening socket for the dashboard's server, bound before the server starts.

Binding first turns a port in use into a one-line error instead of a server's traceback,
and lets tests ask for a free port (0) and learn which one they got. The socket is made
with `IPPROTO_TCP` as its protocol: asyncio sets `TCP_NODELAY` only on connections of
such sockets, and without it every small response waits ~40 ms for a delayed ACK.
"""

from __future__ import annotations

import socket

BACKLOG = 2048
"""Pending connections, as uvicorn's default."""


def listen(host: str, port: int) -> socket.socket:
    """A TCP socket listening on `host`:`port` (0: any free port); OSError when it cannot."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE
    )[0]
    listener = socket.socket(family, kind, proto)
    try:
        # As asyncio and uvicorn do: a restart may bind while old connections linger.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(BACKLOG)
    except OSError:
        listener.close()
        raise
    listener.set_inheritable(True)
    return listener
