"""Service names: normalise them, compare them, and spot words that make two listings different.

The city writes "Kingsmere Law Centre – Asylum Advice", the law centre writes
"Asylum advice drop-in (Kingsmere Law Centre)". After normalising (case,
accents, punctuation, plurals, words like "the", "service", "centre", "&") and
taking the organisation's own name out, rapidfuzz's `token_set_ratio` sees the
same words. What it cannot see is that "Clinic 1" and "Clinic 2", or a women's
group and a men's group, are different services: those are vetoes.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from directory.sync.duplicates.vocabulary import (
    ACRONYM_SKIP,
    CONTRAST,
    GENERIC_WORDS,
    NUMBER_WORDS,
    SAME_WORD_AT,
    STEM_SUFFIXES,
    STOPWORDS,
)


def tokens(text: str) -> list[str]:
    """Lowercase words without accents or punctuation, plurals cut, number words as digits.

    "Women's Health Café" → ["women", "health", "cafe"]; stopwords are kept here.
    """
    return list(_tokens(text))


# A sync compares each incoming name with the same few listed ones: pure word functions remember.
@lru_cache(maxsize=65_536)
def _tokens(text: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"['’‘`´]", "", text)  # women's → womens
    text = re.sub(r"\bdrop[\s\-–]*ins?\b", "dropin", text)
    text = text.replace("&", " and ").replace("+", " ")
    words = re.findall(r"[^\W_]+", text)
    return tuple(_singular(NUMBER_WORDS.get(word, word)) for word in words)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):  # families → family
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    if word[:-1].isdigit() and word.endswith("s"):  # "25s"
        return word[:-1]
    return word


def content(words: Iterable[str]) -> list[str]:
    return [w for w in words if w not in STOPWORDS]


def numbers(words: Iterable[str]) -> frozenset[str]:
    """Numbers written in a name: "Entry 3" → {"3"}, "under-25s" → {"25"}, "COVID-19" → {"19"}."""
    return frozenset(str(int(n)) for word in words for n in re.findall(r"\d+", word))


def contrast_tags(words: Iterable[str]) -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    for word in words:
        for dimension, vocabulary in CONTRAST.items():
            if word in vocabulary:
                found[dimension] = found.get(dimension, frozenset()) | vocabulary[word]
    return found


def _conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    """Each side has something the other lacks (not merely one silent or narrower)."""
    return bool(a and b and (a - b) and (b - a))


def vetoes(words_a: list[str], words_b: list[str]) -> list[str]:
    """Why two names cannot be one service, as readable reasons; empty when nothing conflicts."""
    reasons = []
    numbers_a, numbers_b = numbers(words_a), numbers(words_b)
    if _conflict(numbers_a, numbers_b):
        reasons.append(f"numbers differ: {_show(numbers_a)} vs {_show(numbers_b)}")
    tags_a, tags_b = contrast_tags(words_a), contrast_tags(words_b)
    for dimension in CONTRAST:
        a, b = tags_a.get(dimension, frozenset()), tags_b.get(dimension, frozenset())
        if _conflict(a, b):
            reasons.append(f"{dimension} differs: {_show(a)} vs {_show(b)}")
    return reasons


def _show(values: frozenset[str]) -> str:
    return ", ".join(sorted(values, key=lambda v: (len(v), v)))


def expand_acronyms(words: list[str], context: list[str]) -> list[str]:
    """Replace an acronym by the words it stands for when `context` spells them out.

    "SWEP severe weather emergency protocol beds" drops "swep"; "KLC asylum advice"
    next to "Kingsmere Law Centre asylum advice" becomes "kingsmere law centre …".
    """
    result = []
    for word in words:
        expansion = _spelled_out(word, context) if 2 <= len(word) <= 6 and word.isalpha() else None
        if expansion is None:
            result.append(word)
        elif not set(expansion) <= set(words):
            result.extend(expansion)
    return result


def _spelled_out(word: str, context: list[str]) -> list[str] | None:
    """The first run of 2 to 8 words of `context` (by start, then length) whose initials spell `word`,
    neither starting nor ending with a skipped word, and not containing `word` itself."""
    for start in range(len(context)):
        if context[start] in ACRONYM_SKIP:
            continue
        initials = ""
        for end in range(start + 1, min(len(context), start + 8) + 1):
            last = context[end - 1]
            if last in ACRONYM_SKIP:
                continue  # adds no initial, and no run may end on it
            initials += last[0]
            if not word.startswith(initials):
                break  # a longer run only adds initials: it cannot spell the word either
            if initials == word and end - start >= 2 and word not in context[start:end]:
                return context[start:end]
    return None


def _strip_run(words: list[str], run: list[str]) -> list[str]:
    """`words` without the first occurrence of the contiguous sequence `run`."""
    n = len(run)
    if n == 0:
        return words
    for i in range(len(words) - n + 1):
        if words[i : i + n] == run:
            return words[:i] + words[i + n :]
    return words


@lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    """A crude stem, enough to pair "registering" with "registration" (no dictionary)."""
    changed = True
    while changed:
        changed = False
        for suffix in STEM_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word, changed = word[: -len(suffix)], True
                break
    return word


@lru_cache(maxsize=262_144)
def _same_word(a: str, b: str) -> bool:
    """Equal, nearly equal ("women" ~ "woman"), one starts the other ("day" ~ "daybreak"),
    or they share a stem ("registering" ~ "registration", "advocates" ~ "advocacy")."""
    if a == b or fuzz.ratio(a, b) >= SAME_WORD_AT:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and long.startswith(short):
        return True
    stem_short, stem_long = sorted((_stem(a), _stem(b)), key=len)
    if len(stem_short) >= 4 and stem_long.startswith(stem_short):
        return True
    common = len(os.path.commonprefix([a, b]))
    return common >= 5 and common >= 0.6 * len(short)


def distinguishing(words: list[str], other: list[str]) -> tuple[str, ...]:
    """Words of `words` that no word of `other` matches, leaving out generic words and numbers
    (numbers have their own veto)."""
    return tuple(
        w
        for w in dict.fromkeys(words)
        if w not in GENERIC_WORDS and not w.isdigit() and not any(_same_word(w, o) for o in other)
    )


def organizations_differ(org_a: str | None, org_b: str | None) -> bool:
    """Both organisations are named and their names share no word, even as an acronym.

    "Kingsmere Food Bank" and "Little Harbour" differ; "Kingsmere Health NHS Trust"
    and "Kingsmere Health", or "Kingsmere Immigration Advice Project" and "KIAP", do not.
    """
    if not org_a or not org_b:
        return False
    raw_a, raw_b = tokens(org_a), tokens(org_b)
    words_a = content(expand_acronyms(raw_a, raw_b))
    words_b = content(expand_acronyms(raw_b, raw_a))
    if not words_a or not words_b:
        return False
    return not any(_same_word(a, b) for a in words_a for b in words_b)


@dataclass(frozen=True)
class NameComparison:
    similarity: float  # 0–100, token_set_ratio of the normalised names
    vetoes: tuple[str, ...]
    compared: tuple[str, str]  # the normalised forms that gave the similarity
    only_a: tuple[str, ...] = ()  # distinguishing words of the first name that the second lacks
    only_b: tuple[str, ...] = ()

    @property
    def substituted(self) -> bool:
        """Each name says something the other does not ("food bank" / "baby bank"), beyond added detail."""
        return bool(self.only_a and self.only_b)


def compare_names(
    names_a: Iterable[str], names_b: Iterable[str], organizations: Iterable[str] = ()
) -> NameComparison:
    """Best similarity over every name pair (name, alternate name), and the vetoes of the best pair.

    Organisation names (of either side) are taken out of both names first, unless that
    would leave one of them empty ("Kingsmere Credit Union" the service of "Kingsmere
    Credit Union" the organisation).
    """
    org_runs = [content(tokens(o)) for o in organizations if o]
    best: NameComparison | None = None
    for name_a in names_a:
        for name_b in names_b:
            result = _compare_pair(tokens(name_a), tokens(name_b), org_runs)
            rank = (result.similarity, not result.substituted, -len(result.vetoes))
            if best is None or rank > (best.similarity, not best.substituted, -len(best.vetoes)):
                best = result
    return best or NameComparison(0.0, (), ("", ""))


def _compare_pair(raw_a: list[str], raw_b: list[str], org_runs: list[list[str]]) -> NameComparison:
    words_a = content(expand_acronyms(raw_a, raw_b + raw_a))
    words_b = content(expand_acronyms(raw_b, raw_a + raw_b))
    stripped_a, stripped_b = words_a, words_b
    for run in sorted(org_runs, key=len, reverse=True):
        stripped_a, stripped_b = _strip_run(stripped_a, run), _strip_run(stripped_b, run)
    if stripped_a and stripped_b:
        words_a, words_b = stripped_a, stripped_b
    text_a, text_b = " ".join(words_a), " ".join(words_b)
    similarity = fuzz.token_set_ratio(text_a, text_b) if text_a and text_b else 0.0
    return NameComparison(
        round(similarity, 1),
        tuple(vetoes(words_a, words_b)),
        (text_a, text_b),
        distinguishing(words_a, words_b),
        distinguishing(words_b, words_a),
    )
