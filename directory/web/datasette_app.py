"""Datasette over directory.db (and nothing else), published under /data/.

`make_datasette` first writes `DIR/datasette-metadata.json` from harbour.toml, so
the file on disk is what this server uses and the standalone command shows the
same publication (at / instead of /data/; the HSDS API at /hsds/ either way):

    datasette DIR/directory.db --metadata DIR/datasette-metadata.json \
        --plugins-dir datasette_plugins --setting suggest_facets off
"""

from __future__ import annotations

from datasette.app import Datasette

from directory.instance import Instance
from directory.paths import PLUGINS_DIR
from directory.web.datasette_metadata import build_metadata, write_metadata_file

BASE_URL = "/data/"

SETTINGS = {
    "base_url": BASE_URL,
    # Suggesting facets runs a query per column on every table page; the useful ones are configured.
    "suggest_facets": False,
}


class MountedDatasette(Datasette):
    """Datasette whose ASGI app takes requests for `/data/…` as they arrive at the site.

    Datasette 0.65 strips base_url only to pick a view; the views then build links
    from the request path and prefix base_url again (`/data/data/…`). So the prefix
    comes off `path` and `raw_path` here, once, and base_url puts it back on links.
    """

    def app(self):
        datasette_app = super().app()
        prefix = BASE_URL.rstrip("/")

        async def app(scope, receive, send):
            if scope["type"] == "http" and scope["path"].startswith(BASE_URL):
                scope = dict(scope, path=scope["path"][len(prefix) :])
                if scope.get("raw_path", b"").startswith(BASE_URL.encode()):
                    scope["raw_path"] = scope["raw_path"][len(prefix) :]
            await datasette_app(scope, receive, send)

        return app


def make_datasette(instance: Instance) -> Datasette:
    metadata = build_metadata(instance.settings)
    write_metadata_file(instance.data_dir, metadata)
    return MountedDatasette(
        # Only directory.db: private.db never reaches Datasette, whatever the configuration says.
        files=[str(instance.directory_path)],
        metadata=metadata,
        plugins_dir=str(PLUGINS_DIR),
        settings=SETTINGS,
    )
