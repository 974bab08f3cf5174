"""`/push/`: the public key, and subscribing or unsubscribing a phone, with no account.

    GET  /push/key           {"publicKey": "<base64url P-256 point>"}
    POST /push/subscribe     {"subscription": {endpoint, keys: {p256dh, auth}}, "topics": [...], "lang": "ar"}
                             201 new, 200 updated, 400 with every problem named,
                             403/503 when its host or the server has as many phones as it may
    POST /push/unsubscribe   {"subscription": {endpoint, keys: {auth}}}: 200, or 404 when no such subscription

These writes have no signed-in actor by design: the phone is the actor, and the
subscription's `auth` secret (shared only by that browser and us) is its credential
for changing or deleting it. Forgery from another site is refused by requiring a JSON
body (a cross-site form cannot send one without a CORS preflight, which we never
grant) and, when the browser says where the request comes from, our own origin.
"""

from __future__ import annotations

import os

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from directory.instance import Instance
from directory.push.dispatch import ALLOW_PRIVATE_ENV, ensure_cursor
from directory.push.keys import PushKeyError, public_key
from directory.push.subscriptions import (
    SubscriptionError,
    TopicCatalogue,
    check_subscription,
    check_unsubscribe,
    delete_subscription,
    save_subscription,
)
from directory.web.json_body import read_json

BODY_LIMIT = 16 * 1024
BODY_DEPTH = 8  # {"subscription": {"keys": {…}}} is three levels: room to spare, no more
NO_STORE = {"Cache-Control": "no-store"}


def routes(instance: Instance) -> list:
    async def key(request: Request) -> JSONResponse:
        try:
            value = public_key(instance.data_dir)
        except PushKeyError:
            raise HTTPException(503, "alerts are not set up on this server (no push key)") from None
        return JSONResponse({"publicKey": value}, headers={"Cache-Control": "no-cache"})

    async def subscribe(request: Request) -> JSONResponse:
        payload = await _json_body(request)
        allow_private = os.environ.get(ALLOW_PRIVATE_ENV) == "1"

        def store() -> tuple[bool, object]:
            with instance.databases() as (db, private):
                subscription = check_subscription(payload, TopicCatalogue.of(db), allow_private=allow_private)
                created = save_subscription(private, subscription)
                ensure_cursor(db, private)
                return created, subscription

        try:
            created, subscription = await run_in_threadpool(store)
        except SubscriptionError as error:
            raise HTTPException(error.status, str(error)) from None
        body = {"subscribed": True, "topics": list(subscription.topics), "lang": subscription.language}
        return JSONResponse(body, status_code=201 if created else 200, headers=NO_STORE)

    async def unsubscribe(request: Request) -> JSONResponse:
        payload = await _json_body(request)
        try:
            endpoint, auth = check_unsubscribe(payload)
        except SubscriptionError as error:
            raise HTTPException(400, str(error)) from None

        def forget() -> bool:
            private = instance.private()
            try:
                return delete_subscription(private, endpoint, auth)
            finally:
                private.close()

        if not await run_in_threadpool(forget):
            raise HTTPException(404, "no such subscription")
        return JSONResponse({"subscribed": False}, headers=NO_STORE)

    return [
        Route("/push/key", key, methods=["GET"], name="push.key"),
        Route("/push/subscribe", subscribe, methods=["POST"], name="push.subscribe"),
        Route("/push/unsubscribe", unsubscribe, methods=["POST"], name="push.unsubscribe"),
    ]


async def _json_body(request: Request) -> object:
    """The JSON body of a same-origin request; 400/403/413/415 otherwise."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise HTTPException(415, "send the subscription as application/json")
    origin = request.headers.get("origin")
    if origin and origin != _own_origin(request):
        raise HTTPException(403, "subscriptions are only taken from this site's own pages")
    return await read_json(request, max_bytes=BODY_LIMIT, max_depth=BODY_DEPTH)


def _own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
