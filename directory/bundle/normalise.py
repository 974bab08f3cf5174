"""Search normalisation, shared with the browser: `pwa/normalise.js` must give the same output.

Both are proven against one table, `tests/normalise_cases.json`. Change one, change
the other and add a case. Steps, in order:

1. lowercase (before NFKD, so 'İ' loses its dot with the other marks);
2. NFKD, then drop nonspacing marks (category Mn): accents, Arabic harakat, hamza
   and madda above/below (so أ إ آ become ا, ؤ و, ئ ي, ё е);
3. unify letters people type interchangeably: ى ی → ي, ک → ك, ة ۀ ە ہ → ه, and
   Arabic-Indic digits → ASCII; drop tatweel and format characters (ZWNJ…);
4. everything that is not a letter or digit becomes a space; spaces collapse;
5. strip the Arabic article at word start (ال, and لل "for the"), repeatedly, while
   at least two letters remain, so 'الصحة' and 'صحة' meet at 'صحه', and 'الإلكترونية',
   'إلكترونية' and 'الكترونية' all meet at 'كترونيه'.

Normalising twice gives what normalising once gave, so it is safe to apply to text
that is already normal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

LETTERS = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
        "ى": "ي", "ی": "ي",
        "ک": "ك",
        "ة": "ه", "ۀ": "ه", "ە": "ه", "ہ": "ه",
        "ـ": None,  # tatweel: stretches a word, means nothing
        **{chr(0x0660 + d): str(d) for d in range(10)},  # ٠١٢…
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # ۰۱۲… (Persian)
    }
)
ARTICLE = re.compile(r"^(?:ال|لل)+(?=..)")


# Bundles of every language are built together, and untranslated text (fallbacks,
# organization and category names) repeats across them: normalise each text once.
@lru_cache(maxsize=32768)
def normalise(text: str | None) -> str:
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    kept = []
    for char in decomposed.translate(LETTERS):
        category = unicodedata.category(char)
        if category == "Mn" or category == "Cf":
            continue
        kept.append(char if category[0] in "LN" else " ")
    words = "".join(kept).split()
    return " ".join(ARTICLE.sub("", word) for word in words)
