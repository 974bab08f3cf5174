"""The words duplicate detection knows: stopwords, generic words, number words, contrasts.

Plain data, kept apart from the logic in names.py so the lists can grow (another
city's languages, another country's weekdays) without touching the code.
"""

from __future__ import annotations

from collections.abc import Iterable

# Words that carry no identity in a service name.
STOPWORDS = frozenset(
    {
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "for",
        "at",
        "in",
        "on",
        "to",
        "with",
        "by",
        "from",
        "your",
        "our",
        "you",
        "we",
        "us",
        "it",
        "its",
        "who",
        "all",
        "everyone",
        "anyone",
        "someone",
        "service",
        "centre",
        "center",
        "ltd",
        "limited",
        "cic",
    }
)
# Words that say what form a service takes or praise it, which two writers swap freely
# ("course" / "training", "phone" / "line", "circle" / "group"): a name that lacks one of
# them is not saying something different.
GENERIC_WORDS = frozenset(
    {
        "help",
        "support",
        "advice",
        "information",
        "info",
        "session",
        "course",
        "class",
        "classe",
        "training",
        "lesson",
        "workshop",
        "group",
        "circle",
        "club",
        "line",
        "helpline",
        "phone",
        "telephone",
        "hotline",
        "programme",
        "program",
        "project",
        "scheme",
        "team",
        "clinic",
        "dropin",
        "surgery",
        "free",
        "local",
        "community",
        "weekly",
        "new",
    }
)
# Words left out when reading an acronym off a name ("Refugee and Migrant Centre" → RMC).
ACRONYM_SKIP = frozenset({"and", "of", "the", "for", "&"})

# Cardinals only: ordinals are mostly not numbers in names ("first aid", "Pharmacy First").
NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "ii": "2",
    "iii": "3",
    "iv": "4",
}
STEM_SUFFIXES = ("ations", "ation", "ings", "ing", "ions", "ion", "ers", "er", "ed", "e", "y")
# Two words count as the same word from this rapidfuzz ratio on ("advocates" ~ "advocacy").
SAME_WORD_AT = 80

# Closed sets of words that tell sibling services apart. A word maps to the tags it
# stands for; two names conflict on a dimension when each has a tag the other lacks
# ("women" vs "men"; "syrian" {syria, arabic} vs "sudanese" {sudan, arabic}), not when
# one is silent or narrower ("Arabic group" vs "Syrian group").
CONTRAST: dict[str, dict[str, frozenset[str]]] = {}


def _dimension(name: str, groups: dict[str, Iterable[str]]) -> None:
    words: dict[str, frozenset[str]] = {}
    for tag, members in groups.items():
        for word in members:
            words[word] = words.get(word, frozenset()) | {tag}
    CONTRAST[name] = words


_dimension(
    "gender",
    {
        "women": ("women", "woman", "lady", "girl", "female", "mother", "mum", "mom", "sister"),
        "men": ("men", "man", "gent", "gentlemen", "boy", "male", "father", "dad", "brother"),
    },
)
_dimension(
    "weekday",
    {
        "monday": ("monday", "mon"),
        "tuesday": ("tuesday", "tue"),
        "wednesday": ("wednesday", "wed"),
        "thursday": ("thursday", "thu", "thur"),
        "friday": ("friday", "fri"),
        "saturday": ("saturday", "sat"),
        "sunday": ("sunday",),
    },
)
_dimension(
    "time of day",
    {
        "morning": ("morning", "breakfast"),
        "afternoon": ("afternoon",),
        "evening": ("evening", "night"),
    },
)
_dimension(
    "level",
    {
        "beginner": ("beginner", "elementary", "starter"),
        "intermediate": ("intermediate", "improver"),
        "advanced": ("advanced", "proficiency"),
    },
)
_dimension(
    "language or community",
    {
        "arabic": ("arabic", "syrian", "sudanese", "iraqi", "yemeni", "arab"),
        "syria": ("syrian",),
        "sudan": ("sudanese",),
        "iraq": ("iraqi",),
        "yemen": ("yemeni",),
        "dari": ("dari", "afghan"),
        "pashto": ("pashto", "pashtu", "afghan"),
        "afghanistan": ("afghan",),
        "farsi": ("farsi", "persian", "iranian"),
        "iran": ("iranian",),
        "tigrinya": ("tigrinya", "eritrean"),
        "eritrea": ("eritrean",),
        "amharic": ("amharic", "ethiopian"),
        "ethiopia": ("ethiopian",),
        "somali": ("somali",),
        "kurdish": ("kurdish", "kurd", "sorani", "kurmanji"),
        "ukrainian": ("ukrainian",),
        "russian": ("russian",),
        "polish": ("polish",),
        "romanian": ("romanian",),
        "albanian": ("albanian",),
        "turkish": ("turkish",),
        "spanish": ("spanish", "latin", "latina", "latino", "colombian", "venezuelan"),
        "portuguese": ("portuguese", "brazilian", "latin", "latina", "latino"),
        "brazil": ("brazilian",),
        "french": ("french", "francophone", "congolese"),
        "lingala": ("lingala", "congolese"),
        "congo": ("congolese",),
        "cantonese": ("cantonese", "hong"),
        "hong kong": ("hong",),
        "mandarin": ("mandarin", "chinese"),
        "vietnamese": ("vietnamese",),
        "urdu": ("urdu", "pakistani"),
        "pakistan": ("pakistani",),
        "bengali": ("bengali", "bangla", "bangladeshi"),
        "bangladesh": ("bangladeshi",),
        "punjabi": ("punjabi",),
        "tamil": ("tamil",),
        "english": ("english", "esol"),
    },
)
