"""The client's IP address: from the configured proxy headers, else the socket.

Better Auth's rules (spec 8.5), with one safer default: no header is trusted unless it is
named in ``advanced.ip_address.ip_address_headers``, so by default the address is the
socket's peer and a client cannot choose its own rate-limit bucket.

- A named header is trusted only when it holds a **single** address; a comma-separated
  chain yields nothing, because its leftmost entries are whatever the client sent.
- With ``advanced.ip_address.trusted_proxies`` (addresses or CIDR ranges) a chain is
  walked from the right, skipping the trusted hops; the first other hop is the client.
- Addresses are normalised: an IPv4-mapped IPv6 address becomes IPv4, and an IPv6
  address is reduced to its ``/64`` network (``ipv6_subnet``), fully written out, so one
  host cannot rotate through its 2**64 addresses to escape a limit.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class HeaderSource(Protocol):
    """Request headers: a mapping or werkzeug's ``Headers``."""

    def get(self, key: str, /) -> str | None: ...


def parse_ip(text: str) -> IPAddress | None:
    """The address ``text`` names (IPv4-mapped IPv6 as IPv4), or ``None`` if it is none."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id is not None:
            return None
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
    return address


def normalize_ip(address: IPAddress, ipv6_subnet: int = 64) -> str:
    """The canonical text of ``address``; IPv6 is masked to ``ipv6_subnet`` bits."""
    if isinstance(address, ipaddress.IPv4Address):
        return str(address)
    prefix = max(0, min(128, ipv6_subnet))
    network = ipaddress.IPv6Network((address, prefix), strict=False)
    return network.network_address.exploded


@lru_cache(maxsize=4096)
def normalized(text: str, ipv6_subnet: int = 64) -> str | None:
    """:func:`parse_ip` then :func:`normalize_ip` of ``text``, remembered: the rate
    limiter asks this for every request, mostly about the same few addresses."""
    address = parse_ip(text)
    return normalize_ip(address, ipv6_subnet) if address is not None else None


@lru_cache(maxsize=64)
def parse_networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """The networks of ``entries`` (``"10.0.0.0/8"``, ``"203.0.113.7"``).

    :raises ValueError: naming an entry that is neither an address nor a CIDR range.
    """
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or CIDR range") from None
    return tuple(networks)


def _trusted(address: IPAddress, proxies: Iterable[IPNetwork]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def ip_from_header(
    value: str, *, trusted_proxies: tuple[str, ...] = (), ipv6_subnet: int = 64
) -> str | None:
    """The client address a forwarding header names, by the rules of this module."""
    hops = [hop.strip() for hop in value.split(",") if hop.strip()]
    if not hops:
        return None
    if trusted_proxies:
        proxies = parse_networks(trusted_proxies)
        for hop in reversed(hops):
            address = parse_ip(hop)
            if address is None:
                return None
            if not _trusted(address, proxies):
                return normalize_ip(address, ipv6_subnet)
        return None
    if len(hops) != 1:
        return None
    return normalized(hops[0], ipv6_subnet)


def client_ip(
    headers: HeaderSource,
    remote_addr: str | None,
    *,
    header_names: Iterable[str] = (),
    trusted_proxies: tuple[str, ...] = (),
    ipv6_subnet: int = 64,
) -> str | None:
    """The client's normalised address, or ``None`` when none can be trusted.

    ``header_names`` are tried in order; the socket's ``remote_addr`` is the fallback.
    """
    for name in header_names:
        value = headers.get(name)
        if value:
            found = ip_from_header(value, trusted_proxies=trusted_proxies, ipv6_subnet=ipv6_subnet)
            if found is not None:
                return found
    if remote_addr:
        return normalized(remote_addr, ipv6_subnet)
    return None
