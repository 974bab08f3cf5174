"""Is a feed URL safe to fetch? A feed URL is an SSRF route into our own network.

    target = check_url("https://data.example.org/services.json")
    target.addresses  # ('203.0.113.7',): connect to these and nothing else

`check_url` resolves the host and refuses it when any address it resolves to is not a
public one (loopback, private, link-local, multicast, reserved, shared, unspecified).
`allow_private` (a feed on the town hall's own network, and tests) admits loopback and
private ranges, never link-local (cloud metadata lives at 169.254.169.254) nor
unspecified or multicast. The caller must connect to the addresses returned, not
resolve the name again: a second answer may differ (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from directory.sync.errors import FetchError, UnsafeAddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = {"http": 80, "https": 443}

# What allow_private admits besides loopback: RFC 1918 and IPv6 unique-local.
_PRIVATE = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")]
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # lower case, without brackets; an IP literal stays as written
    port: int
    addresses: tuple[str, ...]  # every address the host resolved to, all of them checked


def address_problem(address: str | IPAddress, allow_private: bool = False) -> str | None:
    """Why we must not connect to `address` ("loopback", "link-local", …), or None when it is fine."""
    ip = _embedded_ipv4(ipaddress.ip_address(address))
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_loopback:
        return None if allow_private else "loopback"
    if any(ip in network for network in _PRIVATE if network.version == ip.version):
        return None if allow_private else "private"
    if ip in _SHARED:
        return "shared (100.64.0.0/10)"
    if ip.is_reserved:
        return "reserved"
    if not ip.is_global:
        return "non-public"
    return None


def check_url(url: str, *, allow_private: bool = False) -> Target:
    """Parse, resolve and judge `url`; raise UnsafeAddress (one line) when it must not be fetched."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeAddress(f"refusing {url}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise UnsafeAddress(
            f"refusing {url}: only http and https feeds are fetched, not {scheme or 'no scheme'}"
        )
    host = parts.hostname
    if not host:
        raise UnsafeAddress(f"refusing {url}: it names no host")
    port = port or SCHEMES[scheme]
    addresses = _resolve(url, host, port)
    for address in addresses:
        problem = address_problem(address, allow_private)
        if problem:
            via = address if address == host else f"{host} resolves to {address}"
            raise UnsafeAddress(f"refusing {url}: {via}, a {problem} address")
    return Target(scheme, host, port, addresses)


def is_safe_url(url: str, allow_private: bool = False) -> bool:
    try:
        check_url(url, allow_private=allow_private)
    except FetchError:
        return False
    return True


def _resolve(url: str, host: str, port: int) -> tuple[str, ...]:
    try:
        ipaddress.ip_address(host)
        return (host,)  # an IP literal resolves to itself
    except ValueError:
        pass
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"could not fetch {url}: cannot resolve {host} ({exc})") from None
    # sockaddr[0] may carry an IPv6 zone ("fe80::1%eth0"); ip_address understands it.
    addresses = tuple(dict.fromkeys(str(answer[4][0]) for answer in answers))
    if not addresses:
        raise FetchError(f"could not fetch {url}: {host} resolves to no address")
    return addresses


def _embedded_ipv4(ip: IPAddress) -> IPAddress:
    """An IPv6 address that carries an IPv4 one (mapped, 6to4, NAT64) is judged as that IPv4."""
    if ip.version == 6:
        if ip.ipv4_mapped:
            return ip.ipv4_mapped
        if ip.sixtofour:
            return ip.sixtofour
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip
