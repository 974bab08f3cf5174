"""Offline data for the PWA: one compact JSON bundle per language, plus deltas.

`build.build_bundle` makes a bundle (with `notices.py` and `sources.py`), `normalise.normalise`
the search text in it (mirrored exactly by `pwa/normalise.js`), `cache.BundleCache` keeps
built bundles per (language, version) for the web routes, `delta.build_delta` says what
changed since a version (`affected.py` reads the change log; `pwa/delta.js` applies it),
`compress.py` puts bundles and the shell (`shell.py`) on the wire.
"""
