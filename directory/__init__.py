"""Harbour: an offline-first directory of community services, modelled on HSDS 3.0."""

__version__ = "0.1.0"
