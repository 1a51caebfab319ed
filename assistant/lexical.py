"""French lexical retrieval: an analyzer (elisions, stop words, Snowball stems, folded accents)
and a BM25 index (bm25s) built from the same chunks as the vector store."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.vocabulary import fold

# French stop words: articles, pronouns, auxiliaries and the question words that carry no topic.
STOP_WORDS = frozenset("""
a afin ai aie aient aies ait alors as au aucun aucune aupres aussi autre autres aux avaient avais avait avant avec avez
aviez avions avoir avons ayant c ca car ce ceci cela celle celles celui cependant ces cet cette ceux chaque chez ci
comme comment d dans de des deja depuis dois doit donc dont du elle elles en encore entre es est et etaient etais etait
etant ete etes etiez etions etre eu eue eues eurent eus eut eux fait faire fais faut furent fus fut il ils j je jusqu
l la le les leur leurs lors lui m ma mais me meme memes mes moi mon n ne ni nos notre nous on ont or ou par parce pas
peu peut peuvent peux plus pour pourquoi pourrait puis qu quand que quel quelle quelles quels qui quoi s sa sans se
sera serait ses si sien sinon soi soit sommes son sont sous suis sur t ta te tes toi ton tous tout toute toutes tres
tu un une unes uns vers via voici voila vont vos votre vous y est-ce
""".split())

# Elided articles and pronouns: "l'écoute" → "écoute", "qu'est-ce" → "est-ce".
_ELISION = re.compile(r"\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)
_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)?|[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer  # PyStemmer: Snowball stemmers in C

    return Stemmer.Stemmer("french")


def words(text: str) -> list[str]:
    """Lower-case word tokens after elision removal (hyphenated words also split into parts)."""
    text = _ELISION.sub(" ", text.lower().replace("’", "'"))
    out: list[str] = []
    for token in _TOKEN.findall(text):
        out.append(token)
        if "-" in token:
            out.extend(part for part in token.split("-") if part)
    return out


def analyze(text: str) -> list[str]:
    """Text → index terms: no stop words, Snowball French stems, accents folded on the stems (so a
    question typed without accents still matches)."""
    kept = [w for w in words(text) if fold(w) not in STOP_WORDS and len(w) > 1 or w.isdigit()]
    stems = _stemmer().stemWords(kept)
    return [fold(s) for s in stems]


class LexicalIndex:
    """BM25 over analyzed chunk texts; scores are aligned with the list of chunk ids."""

    # atire with k1 0.9, b 0.5 was marginally best on the French sets (../shared/retrieval-notes.md).
    def __init__(self, k1: float = 0.9, b: float = 0.5) -> None:
        import bm25s

        self.retriever = bm25s.BM25(k1=k1, b=b, method="atire")
        self.vocabulary: set[str] = set()
        self.size = 0

    def build(self, texts: list[str]) -> None:
        tokenized = [analyze(t) for t in texts]
        self.size = len(texts)
        self.retriever.index(tokenized or [[""]], show_progress=False)
        self.vocabulary = {t for doc in tokenized for t in doc}

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.retriever.save(str(directory), show_progress=False)
        (directory / "meta.json").write_text(json.dumps({"size": self.size}), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        import bm25s

        index = cls.__new__(cls)
        index.retriever = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0)
        index.size = json.loads((directory / "meta.json").read_text(encoding="utf-8"))["size"]
        index.vocabulary = {t for t in index.retriever.vocab_dict if t}
        return index

    def query_terms(self, query: str) -> list[str]:
        """Analyzed query terms; a term unknown to the index is replaced by its closest indexed term
        (typos such as 'emotinos'), when one is close enough."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        terms: list[str] = []
        for term in analyze(query):
            if term in self.vocabulary or len(term) < 4 or term.isdigit():
                terms.append(term)
                continue
            match = process.extractOne(term, self.vocabulary, scorer=Levenshtein.distance, score_cutoff=1 if len(term) < 7 else 2)
            terms.append(match[0] if match else term)
        return terms

    def scores(self, query: str, mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every chunk for the query (zeros where the mask is False)."""
        if self.size == 0:
            return np.zeros(0, dtype=np.float32)
        terms = [t for t in self.query_terms(query) if t in self.vocabulary]
        if not terms:
            return np.zeros(self.size, dtype=np.float32)
        scores = self.retriever.get_scores(terms)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        return np.asarray(scores, dtype=np.float32)

    def idf(self, term: str) -> float:
        """Inverse document frequency of an analyzed term (0 for terms absent from the index)."""
        token_id = self.retriever.vocab_dict.get(term)
        if token_id is None or self.size == 0:
            return 0.0
        indptr = self.retriever.scores["indptr"]
        df = int(indptr[token_id + 1] - indptr[token_id])
        return float(np.log(1.0 + (self.size - df + 0.5) / (df + 0.5)))
