"""Names of the languages spoken at a service, each in its own script.

A reader scans the list for their own language, and recognises it best by the
name its speakers use; it also needs no translation table per page language.
A code we do not know shows the name the source gave, or the code itself.
"""

from __future__ import annotations

ENDONYMS = {
    "am": "አማርኛ",
    "ar": "العربية",
    "bg": "Български",
    "bn": "বাংলা",
    "ckb": "کوردیی ناوەندی",
    "cs": "Čeština",
    "de": "Deutsch",
    "el": "Ελληνικά",
    "en": "English",
    "es": "Español",
    "fa": "فارسی",
    "fr": "Français",
    "gu": "ગુજરાતી",
    "ha": "Hausa",
    "he": "עברית",
    "hi": "हिन्दी",
    "hu": "Magyar",
    "hy": "Հայերեն",
    "ig": "Igbo",
    "it": "Italiano",
    "ka": "ქართული",
    "ku": "Kurdî",
    "kmr": "Kurdî (Kurmancî)",
    "ln": "Lingála",
    "lt": "Lietuvių",
    "lv": "Latviešu",
    "my": "မြန်မာ",
    "ne": "नेपाली",
    "nl": "Nederlands",
    "om": "Afaan Oromoo",
    "pa": "ਪੰਜਾਬੀ",
    "pl": "Polski",
    "prs": "دری",
    "ps": "پښتو",
    "pt": "Português",
    "ro": "Română",
    "ru": "Русский",
    "rw": "Kinyarwanda",
    "sk": "Slovenčina",
    "so": "Soomaali",
    "sq": "Shqip",
    "sw": "Kiswahili",
    "ta": "தமிழ்",
    "ti": "ትግርኛ",
    "tl": "Tagalog",
    "tr": "Türkçe",
    "uk": "Українська",
    "ur": "اردو",
    "vi": "Tiếng Việt",
    "yo": "Yorùbá",
    "yue": "粵語",
    "zh": "中文",
}
RIGHT_TO_LEFT_SCRIPTS = {"ar", "ckb", "fa", "he", "prs", "ps", "ur"}


def spoken_languages(entries: list[dict]) -> list[dict]:
    """[{name, lang, dir}] for a bundle's `languages` list; lang is None when unknown."""
    named = []
    for entry in entries:
        code = (entry.get("code") or "").lower()
        if code in ENDONYMS:
            named.append({"name": ENDONYMS[code], "lang": code, "dir": "rtl" if code in RIGHT_TO_LEFT_SCRIPTS else "ltr"})
        elif entry.get("name") or code:
            named.append({"name": entry.get("name") or code, "lang": None, "dir": None})
    return named
