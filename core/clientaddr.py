"""The client's network address: one rule for pages, API, rate limits and logs.

``TRUSTED_PROXIES`` (setting, from the environment) lists the reverse proxies in front of the
web processes (addresses or networks). A request that comes straight from a client carries its
address in ``REMOTE_ADDR``, and any ``X-Forwarded-For`` it sends is ignored (anyone can write
that header). A request that comes from a trusted proxy is followed back through
``X-Forwarded-For`` from the right, skipping further trusted proxies; the first address not
trusted is the client. So a client behind the proxy can prepend what it likes to the header and
still be counted under its own address.

``ClientAddressMiddleware`` resolves the address once per request and writes it to
``REMOTE_ADDR``, so Django, DRF (``NUM_PROXIES = 0``), authentication backends and log lines
all see the same address.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

META_KEY = "teilhabe.client_address"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for item in spec:
        item = item.strip()
        if item:
            networks.append(ipaddress.ip_network(item, strict=False))
    return tuple(networks)


def trusted_networks() -> tuple[Network, ...]:
    value = getattr(settings, "TRUSTED_PROXIES", ())
    if isinstance(value, str):
        value = value.split(",")
    return _networks(tuple(value))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip().strip('"')
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:4711"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:4711"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def resolve(remote_addr: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The client address for a peer ``remote_addr`` that sent ``forwarded_for``."""
    peer = _parse(remote_addr or "")
    if peer is None:
        return remote_addr or "unknown"
    if not networks or not forwarded_for or not _trusted(peer, networks):
        return str(peer)
    client = peer
    for part in reversed(forwarded_for.split(",")):
        address = _parse(part)
        if address is None:
            # Garbage in the header: stop at the last address a trusted proxy vouched for.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


def client_address(request) -> str:
    """The client's address for ``request`` (resolved once, then taken from ``META``)."""
    meta = request.META
    cached = meta.get(META_KEY)
    if cached is not None:
        return cached
    address = resolve(
        meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR", ""), trusted_networks()
    )
    meta[META_KEY] = address
    return address


class ClientAddressMiddleware:
    """Put the resolved client address into ``REMOTE_ADDR`` for everything after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META["REMOTE_ADDR"] = client_address(request)
        return self.get_response(request)
