"""The HTTP side: one ASGI app serving the PWA, Datasette, the HSDS API and the rest."""
