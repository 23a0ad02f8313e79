"""The browser's cookie that keeps a password sign-in across reloads and tabs.

A script reads the cookies of the request that opened the page (`st.context.cookies`), but
Streamlit gives a script no way to set one: only an HTTP response can, and `st.App` lets the
server add routes of its own (`dashboard/serve.py` mounts `route()`). So a script that must set,
renew or clear the cookie hands the order to this module under a one-time random key, and puts
in the page a small script that posts that key to the route; the route's answer carries the
`Set-Cookie` header. The token never appears in the page, and no script of the page can read the
cookie: it is HttpOnly, SameSite=Strict, Path=/, Secure when the page came over https, and lasts
the idle time (renewed while the session is used).

Orders live in this process's memory for `HANDOFF_SECONDS`; the route accepts a key once, only
from a same-origin request that names itself with the `X-Vax-Session` header.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass

import streamlit as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from streamlit import config

from queries.sessions import token_hash

COOKIE = "vax_session"
PATH = "/_vax/session-cookie"
HEADER = "X-Vax-Session"
HANDOFF_SECONDS = 60
MAX_KEY_LENGTH = 64


@dataclass(frozen=True)
class Order:
    """What the route sets: `token` (a new sign-in), the cookie the request brings again with a
    new Max-Age (`renew`: the hash it must have), or nothing (clear)."""

    max_age: int = 0
    token: str | None = None
    renew: str | None = None

    def __repr__(self) -> str:  # the token stays out of any log or error message
        kind = "set" if self.token else "renew" if self.renew else "clear"
        return f"Order({kind}, max_age={self.max_age})"


_orders: dict[str, tuple[float, Order]] = {}
_lock = threading.Lock()
_mounted = threading.Event()


def mounted() -> bool:
    """Whether the server answers the route (started through `dashboard/serve.py`)."""
    return _mounted.is_set()


def hand(order: Order) -> str:
    """Keep `order` for the page to fetch; returns its one-time key."""
    key = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _lock:
        for old in [k for k, (at, _) in _orders.items() if now - at > HANDOFF_SECONDS]:
            del _orders[old]
        _orders[key] = (now, order)
    return key


def waiting(key: str) -> bool:
    """Whether the order under `key` has not been fetched yet (nor given up)."""
    with _lock:
        found = _orders.get(key)
    return found is not None and time.monotonic() - found[0] <= HANDOFF_SECONDS


def take(key: str) -> Order | None:
    """The order under `key`, once."""
    with _lock:
        found = _orders.pop(key, None)
    if found is None or time.monotonic() - found[0] > HANDOFF_SECONDS:
        return None
    return found[1]


def request_token() -> str | None:
    """The token of the cookie the page's request brought, if any."""
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no request (a script run outside a server)
        return None
    return value if isinstance(value, str) and value else None


def _path() -> str:
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}{PATH}" if base else PATH


def page_script(key: str) -> str:
    """The page's part: post the order's key to the route."""
    return (
        "<script>fetch(" + json.dumps(_path()) + ", {method: 'POST', body: " + json.dumps(key)
        + ", credentials: 'same-origin', cache: 'no-store', headers: {"
        + json.dumps(HEADER) + ": '1'}});</script>"
    )  # fmt: skip


def _secure(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


async def answer(request: Request) -> Response:
    """POST PATH with an order's key: 204 with the order's Set-Cookie; 403 for a request of
    another site or without the header, 404 for a key unknown, used or too old, 409 when a
    renewal finds another cookie than the session's."""
    site = request.headers.get("sec-fetch-site")
    if request.headers.get(HEADER) != "1" or site not in (None, "same-origin"):
        return Response(status_code=403)
    body = await request.body()
    order = take(body.decode("ascii", "replace")) if len(body) <= MAX_KEY_LENGTH else None
    if order is None:
        return Response(status_code=404)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    attributes = {"path": "/", "secure": _secure(request), "httponly": True, "samesite": "strict"}
    if order.token:
        response.set_cookie(COOKIE, order.token, max_age=order.max_age, **attributes)
    elif order.renew:
        current = request.cookies.get(COOKIE) or ""
        if token_hash(current) != order.renew:
            return Response(status_code=409)
        response.set_cookie(COOKIE, current, max_age=order.max_age, **attributes)
    else:
        response.delete_cookie(COOKIE, **attributes)
    return response


def route() -> Route:
    """The route for `st.App(routes=[...])`; from then on, sign-ins get the cookie."""
    _mounted.set()
    return Route(_path(), answer, methods=["POST"])
