"""Who is on the other end: the client's address and whether it came over https.

Only the connection counts, unless `trust_proxy` is on (policy.py): then the
last `X-Forwarded-For` entry (the one our proxy added) is the client, and
`X-Forwarded-Proto: https` means https. A client that reaches Harbour without
the proxy could send those headers too, so turn it on only when Harbour listens
where nothing but the proxy can reach it (127.0.0.1, a private network).
"""

from __future__ import annotations

from starlette.requests import Request

from directory.staff.accounts.policy import Policy


def is_https(request: Request, policy: Policy) -> bool:
    if request.url.scheme == "https":
        return True
    if policy.trust_proxy:
        return request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower() == "https"
    return False


def client_address(request: Request, policy: Policy) -> str:
    if policy.trust_proxy:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.client.host if request.client else "unknown"
