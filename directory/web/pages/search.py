"""Server-side search for the no-JavaScript pages, matching the phone's search.

The phone (pwa/search-worker.js) asks MiniSearch for every query word (AND), by
prefix, with one typo allowed in words of five letters or more, and a match in
the name counting three times. This does the same over the same normalised text
(the bundle's `search_name` and `search`), so both find the same services.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from directory.bundle.normalise import normalise
from directory.web.pages.catalogue import Catalogue

NAME_BOOST = 3.0
EXACT, PREFIX, FUZZY = 1.0, 0.7, 0.4
FUZZY_FROM = 5  # letters: shorter words must match exactly or as a prefix
FUZZY_SHARE = 0.2  # edits allowed per letter, as MiniSearch's fuzzy: 0.2


def _match(term: str, words: frozenset[str]) -> float:
    if term in words:
        return EXACT
    if any(word.startswith(term) for word in words):
        return PREFIX
    if len(term) >= FUZZY_FROM:
        edits = int(len(term) * FUZZY_SHARE)
        if any(Levenshtein.distance(term, word, score_cutoff=edits) <= edits for word in words):
            return FUZZY
    return 0.0


def search(catalogue: Catalogue, query: str) -> list[dict]:
    """Services matching every word of `query`, best first; [] for a blank query."""
    terms = list(dict.fromkeys(normalise(query).split()))
    if not terms:
        return []
    scored = []
    for position, (service, name_words, words) in enumerate(catalogue.index):
        total = 0.0
        for term in terms:
            score = max(_match(term, name_words) * NAME_BOOST, _match(term, words))
            if not score:
                break
            total += score
        else:
            scored.append((-total, position, service))
    scored.sort(key=lambda item: item[:2])
    return [service for _, _, service in scored]
