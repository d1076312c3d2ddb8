"""Refusing requests that do not come from the page this dashboard serves.

A dashboard bound to the loopback address can still be reached by a web page
in the user's browser through DNS rebinding: the attacker's name
(``evil.example``) is made to resolve to 127.0.0.1, and the browser then
sends the page's requests to the dashboard with ``Host: evil.example``. So
every request must name, in ``Host``, one of the names this dashboard serves
(the loopback names, the address it is bound to, and any the user allows with
``--allow-host``), and a request carrying an ``Origin`` (every cross-origin
and every POST request from a browser) must come from such a name too.
Anything else gets ``403 Forbidden`` before Dash sees it.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Flask, Response, request

#: Names of this computer that a browser may use to reach a loopback server.
LOOPBACK_NAMES: frozenset[str] = frozenset({"127.0.0.1", "localhost", "::1"})

#: Addresses that mean "every interface" (no name of their own).
ANY_ADDRESS: frozenset[str] = frozenset({"0.0.0.0", "::", ""})


def host_name(value: str | None) -> str | None:
    """The host of a ``Host`` header or ``host:port`` text, lower case, without the port.

    Returns None for an empty or malformed value (``[::1`` without its bracket).
    """
    if not value:
        return None
    value = value.strip().lower()
    try:
        parts = urlsplit(f"//{value}")
        name = parts.hostname
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        return None
    return name or None


def allowed_hosts(bind: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The host names a dashboard bound to ``bind`` answers.

    Args:
        bind: The address the server listens on.
        extra: Further names the user allows (``--allow-host``), e.g. the
            machine's name when it is opened to the network.
    """
    names = set(LOOPBACK_NAMES)
    bind = bind.strip().lower().strip("[]")
    if bind not in ANY_ADDRESS:
        names.add(bind)
    names.update(n.strip().lower().strip("[]") for n in extra if n.strip())
    return frozenset(names)


def refusal(
    host: str | None, origin: str | None, allowed: frozenset[str], port: int | None = None
) -> str | None:
    """Why a request with these headers is refused, or None if it is allowed.

    Args:
        host: The ``Host`` header.
        origin: The ``Origin`` header (None when absent).
        allowed: Names from :func:`allowed_hosts`.
        port: The port the dashboard serves; an ``Origin`` with another port
            is another site (None: any port).
    """
    name = host_name(host)
    if name is None or name not in allowed:
        return (
            f"Host {(host or '')[:80]!r} is not a name this dashboard serves "
            f"({', '.join(sorted(allowed))}); open it as http://127.0.0.1:PORT/."
        )
    if origin is not None:
        parts = urlsplit(origin.strip().lower())
        try:
            origin_port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
        except ValueError:
            origin_port = None
        if (
            parts.scheme not in ("http", "https")
            or parts.hostname not in allowed
            or (port is not None and origin_port != port)
        ):
            return (
                f"Origin {origin[:80]!r} is not this dashboard's page; requests from other "
                "sites are refused."
            )
    return None


def guard(server: Flask, bind: str, extra: Iterable[str] = (), port: int | None = None) -> None:
    """Refuse, with 403, every request of ``server`` whose Host or Origin is foreign.

    Args:
        server: The Flask app under Dash (``app.server``).
        bind: The address the server listens on.
        extra: Further names allowed.
        port: The port served (checked in ``Origin``); None accepts any.
    """
    allowed = allowed_hosts(bind, extra)

    @server.before_request
    def _check_host() -> Response | None:
        why = refusal(request.headers.get("Host"), request.headers.get("Origin"), allowed, port)
        if why is None:
            return None
        return Response(f"403 Forbidden: {why}\n", status=403, mimetype="text/plain")
