"""`harbour serve`: run the app with uvicorn and say where each part is."""

from __future__ import annotations

import os

import uvicorn

from directory.instance import Instance
from directory.web.app import create_app

PARTS = [
    ("/", "the offline directory (PWA)"),
    ("/services", "the same without JavaScript, and printable guides at /guide/"),
    ("/staff/", "staff sign-in (accounts: harbour users add)"),
    ("/data/", "Datasette: browse, search and query the open data"),
    ("/hsds/", "the HSDS 3.0 API"),
    ("/bundle/manifest.json", "offline data for phones"),
    ("/push/key", "alerts by Web Push (phones subscribe from the app)"),
    ("/healthz", "health check"),
]


def run(
    instance: Instance, host: str = "127.0.0.1", port: int = 8000, no_store: bool = False, replicator=None
) -> None:
    """Serve until stopped; a `Replicator` given is reported by /healthz and stopped with the server."""
    tick = float(os.environ.get("HARBOUR_SYNC_TICK", "30"))  # tests shorten it
    push_tick = float(os.environ.get("HARBOUR_PUSH_TICK", "5"))
    app = create_app(instance, no_store=no_store, sync_tick=tick, push_tick=push_tick)
    app.state.replicator = replicator  # read by /healthz
    base = f"http://{host}:{port}"
    print(f"Harbour for {instance.settings.name} — data in {instance.data_dir}/")
    for path, what in PARTS:
        print(f"  {base}{path:<24} {what}")
    if replicator is not None:
        print(f"  replicating continuously to {replicator.url} (Litestream; its log: {replicator.log_path})")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
    finally:
        if replicator is not None:  # (were the server killed, the kernel stops Litestream: see replicator.py)
            replicator.stop()
