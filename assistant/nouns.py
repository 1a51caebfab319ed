"""Which words of a question are nouns (spaCy's French tagger, built in assistant/backends.py).

Relevance asks it about the words the library never uses: such a noun is usually what the question is about
(« le menu de la cantine », « les poux », « un PAI »), while such a verb, adjective or adverb is usually how it
is said (« ils se chamaillent », « en gros », « systématiquement »)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def nouns(text: str) -> tuple[str, ...]:
    """The common and proper nouns of `text`, as typed."""
    from assistant.backends import build_tagger

    return tuple(token.text for token in build_tagger()(text) if token.pos_ in ("NOUN", "PROPN"))
