"""The one way a route reads a JSON request body: capped in bytes and in nesting.

    payload = await read_json(request, max_bytes=16 * 1024, max_depth=8, types=("application/json",))

The body is read as a stream and refused with 413 as soon as it passes `max_bytes`,
before anything is parsed (parsed JSON takes some twenty times its size in memory).
A body nested deeper than `max_depth` is refused with 400 naming where, before a
recursive step further on (a copy, a merge, a check) can overflow the stack.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.requests import Request


async def read_json(
    request: Request, *, max_bytes: int, max_depth: int, types: tuple[str, ...] | None = None
) -> object:
    """The parsed body; 415 for another content type (when `types` is given), 413, or 400 naming the problem."""
    if types is not None:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in types:
            raise HTTPException(415, f"send the body as {' or '.join(types)}")
    body = await read_capped(request, max_bytes)
    try:
        payload = json.loads(body)
    except RecursionError:
        raise HTTPException(400, f"the body is nested deeper than {max_depth} levels") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HTTPException(400, f"the body is not JSON: {error}") from None
    where = too_deep(payload, max_depth)
    if where is not None:
        raise HTTPException(400, f"the body is nested deeper than {max_depth} levels at {where}")
    return payload


async def read_capped(request: Request, max_bytes: int) -> bytes:
    """The raw body, or 413 once it passes `max_bytes` (a declared length is believed at once)."""
    too_large = HTTPException(413, f"the body is larger than {max_bytes} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def too_deep(value: object, max_depth: int) -> str | None:
    """The path (`$.services[0].phones`) of the first list or object below `max_depth` levels, or None.

    Walks with its own stack, so a deep value cannot overflow Python's.
    """
    if not isinstance(value, (dict, list)):
        return None
    stack: list[tuple[object, int, str]] = [(value, 1, "$")]
    while stack:
        item, depth, path = stack.pop()
        if depth > max_depth:
            return path
        if isinstance(item, dict):
            pairs = [(v, f".{str(k)[:40]}") for k, v in item.items() if isinstance(v, (dict, list))]
        else:
            pairs = [(v, f"[{i}]") for i, v in enumerate(item) if isinstance(v, (dict, list))]
        stack.extend((child, depth + 1, path + step) for child, step in reversed(pairs))
    return None
