"""Reading an acronym off a name: the quick search finds exactly the run its definition names."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from directory.sync.duplicates.names import _spelled_out, expand_acronyms
from directory.sync.duplicates.vocabulary import ACRONYM_SKIP

# Few, short words, so that runs spelling the acronym (and the edge cases) come up often.
WORDS = st.sampled_from(["and", "of", "the", "for", "kingsmere", "law", "centre", "klc", "kl", "k", "l", "c"])


def by_definition(word: str, context: list[str]) -> list[str] | None:
    """The first run (by start, then length) of 2–8 words, not starting or ending with a skipped
    word, whose initials (skipped words left out) spell `word`, and that does not hold `word`."""
    for start in range(len(context)):
        for end in range(start + 2, min(len(context), start + 8) + 1):
            run = context[start:end]
            initials = "".join(w[0] for w in run if w not in ACRONYM_SKIP)
            if (
                run[0] not in ACRONYM_SKIP
                and run[-1] not in ACRONYM_SKIP
                and initials == word
                and word not in run
            ):
                return run
    return None


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(["klc", "kl", "lc", "kla", "lal", "kk", "klca"]), st.lists(WORDS, max_size=12))
def test_the_run_found_is_the_one_the_definition_names(word, context):
    assert _spelled_out(word, context) == by_definition(word, context)


def test_an_acronym_is_spelled_out_across_skipped_words():
    assert _spelled_out("klc", ["the", "kingsmere", "and", "law", "centre"]) == [
        "kingsmere",
        "and",
        "law",
        "centre",
    ]
    assert expand_acronyms(["klc", "advice"], ["kingsmere", "law", "centre", "advice"]) == [
        "kingsmere", "law", "centre", "advice",
    ]  # fmt: skip
    assert _spelled_out("klc", ["klc", "law", "centre", "kingsmere", "law", "centre"]) == [
        "kingsmere",
        "law",
        "centre",
    ]
    eight = ["kingsmere", "of", "the", "and", "of", "the", "law", "centre"]
    assert (
        _spelled_out("klc", eight) == eight
        and _spelled_out("klc", ["the", *eight[:-1], "x", "centre"]) is None
    )
