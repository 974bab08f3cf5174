"""Offline data for the PWA: one compact JSON bundle per language, plus deltas.

`build.build_bundle` makes a bundle, `normalise.normalise` the search text in it
(mirrored exactly by `pwa/normalise.js`), `cache.BundleCache` keeps built bundles
per (language, version) for the web routes.
"""
