"""Boilerplate: lines a library repeats word for word across its documents (a disclaimer under every sheet's title, the
same « if a child reveals something serious » paragraph in every sheet). A passage made of them says nothing about its
own document, so retrieval does not let it carry that document's score."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from assistant.schema import Chunk

# A line counts as boilerplate once this many documents carry it; shorter lines (« Questions ci-dessous. ») are left,
# since a few words in common are no template.
SHARED_BY = 3
MIN_LINE_CHARS = 30
# A passage is a template when at least this share of it is.
MOSTLY = 0.5
_NOT_WORD = re.compile(r"\W+")


def _line_key(line: str) -> str:
    """A line as compared across documents: lowercase words only, so Markdown emphasis or DOCX plain text match."""
    return _NOT_WORD.sub(" ", line.lower()).strip()


def shared_share(chunks: Sequence[Chunk]) -> np.ndarray:
    """For each passage, the share of its characters (lines of MIN_LINE_CHARS or more) in lines that SHARED_BY or more
    documents of the library carry: 1.0 for a passage that only repeats a template, 0.0 for one of its own."""
    keyed = [[key for key in map(_line_key, chunk.text.splitlines()) if len(key) >= MIN_LINE_CHARS] for chunk in chunks]
    carriers: dict[str, set[str]] = defaultdict(set)
    for chunk, keys in zip(chunks, keyed):
        for key in keys:
            carriers[key].add(chunk.doc.source)
    share = np.zeros(len(chunks), dtype=np.float32)
    for i, keys in enumerate(keyed):
        total = sum(map(len, keys))
        if total:
            share[i] = sum(len(key) for key in keys if len(carriers[key]) >= SHARED_BY) / total
    return share
