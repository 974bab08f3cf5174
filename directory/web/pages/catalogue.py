"""One language's bundle, indexed for the server pages: categories as a tree, services by id.

The pages read the very bundle the phone downloads (directory/bundle/cache.py), so
a name, an opening time or a category can never differ between the two.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from directory.bundle.cache import BuiltBundle, BundleCache


@dataclass
class Catalogue:
    bundle: dict
    categories: dict[str, dict] = field(default_factory=dict)  # term id → category
    by_code: dict[str, dict] = field(default_factory=dict)
    children: dict[str | None, list[dict]] = field(default_factory=dict)  # parent id (None: top) → categories
    services: dict[str, dict] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)  # code → name
    # (service, words of its name, every searchable word), in bundle (name) order.
    index: list[tuple[dict, frozenset[str], frozenset[str]]] = field(default_factory=list)

    @classmethod
    def of(cls, bundle: dict) -> Catalogue:
        catalogue = cls(bundle)
        for category in bundle["categories"]:
            catalogue.categories[category["id"]] = category
            catalogue.by_code[category["code"]] = category
            catalogue.children.setdefault(category.get("parent"), []).append(category)
        catalogue.attributes = {a["code"]: a.get("name", a["code"]) for a in bundle["attributes"]}
        for service in bundle["services"]:
            catalogue.services[service["id"]] = service
            name_words = frozenset(service.get("search_name", "").split())
            catalogue.index.append((service, name_words, name_words | frozenset(service.get("search", "").split())))
        return catalogue

    @property
    def language(self) -> str:
        return self.bundle["language"]

    def top_categories(self) -> list[dict]:
        return self.children.get(None, [])

    def subcategories(self, category: dict) -> list[dict]:
        return self.children.get(category["id"], [])

    def parent(self, category: dict) -> dict | None:
        return self.categories.get(category.get("parent", ""))

    def family(self, category: dict) -> list[dict]:
        """The category, then everything beneath it, in display order."""
        found = [category]
        for child in self.subcategories(category):
            found += self.family(child)
        return found

    def services_in(self, category: dict) -> list[dict]:
        """Services filed under the category or any category beneath it, by name."""
        ids = {c["id"] for c in self.family(category)}
        return [s for s in self.bundle["services"] if ids.intersection(s.get("categories", []))]

    def grouped(self, category: dict) -> list[tuple[dict, list[dict]]]:
        """[(category, services)] with each service once, under the first of its categories shown."""
        placed: set[str] = set()
        groups = []
        for member in self.family(category):
            services = [s for s in self.bundle["services"] if member["id"] in s.get("categories", []) and s["id"] not in placed]
            placed.update(s["id"] for s in services)
            if services:
                groups.append((member, services))
        return groups

    def attribute_names(self, service: dict) -> list[str]:
        return [self.attributes[code] for code in service.get("attributes", []) if code in self.attributes]


class Catalogues:
    """Catalogues per (language, version), built once from the shared bundle cache."""

    KEEP = 32

    def __init__(self, cache: BundleCache):
        self.cache = cache
        self._lock = threading.Lock()
        self._built: dict[tuple[str, int], Catalogue] = {}
        cache.on_built(self._warm)  # a new version's catalogues are made beside it, not on a reader's request

    def _warm(self, bundles: dict[str, BuiltBundle]) -> None:
        """In the bundle builder's thread: the languages readers asked for before, at the new version."""
        with self._lock:
            asked = {language for language, _ in self._built}
        for language in asked & set(bundles):
            self.get(language, bundles)

    def languages(self) -> list[str]:
        return list(self.cache.current())

    def get(self, language: str, bundles: dict[str, BuiltBundle] | None = None) -> Catalogue:
        bundles = bundles or self.cache.current()
        built: BuiltBundle = bundles.get(language) or next(iter(bundles.values()))
        key = (built.language, built.version)
        with self._lock:
            catalogue = self._built.get(key)
        if catalogue is None:  # made outside the lock: readers of other catalogues never wait on it
            catalogue = Catalogue.of(built.data)
            with self._lock:
                catalogue = self._built.setdefault(key, catalogue)
                for old in list(self._built)[: -self.KEEP]:
                    del self._built[old]
        return catalogue
