"""French lexical retrieval: an analyzer (elisions, stop words, Snowball stems, folded accents)
and a BM25 index (bm25s) built from the same chunks as the vector store."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.sms import spell_out
from assistant.vocabulary import ELIDABLE, fold

# Bumped when the analyzer changes: the next ingestion rebuilds the lexical index.
ANALYZER_VERSION = "5"


def indexed_by_this_analyzer(pipeline: str | None) -> bool:
    """Whether a snapshot's pipeline signature (ingest/pipeline.py: « …;analyzer=N ») names this analyzer."""
    return f"analyzer={ANALYZER_VERSION}" in (pipeline or "").split(";")


# Words this short are indexed as written, not stemmed (see analyze).
SHORT_WORD = 3

# Shorter words are never corrected: too many are one edit away from another word.
MIN_CORRECTED = 5


@lru_cache(maxsize=1)
def french_words() -> frozenset[str]:
    """Accent-folded words of a French frequency dictionary (pyspellchecker's, about 134,000 forms). A word the library
    never uses but French does is kept as typed, not "corrected" into a library word it resembles (« collégiens » was
    read as « collègues », « concentration » as « concertation », « finalement » as « financement »): it is then a
    word the library does not have, which is what abstention must know."""
    from spellchecker import SpellChecker

    return frozenset(fold(w) for w in SpellChecker(language="fr", distance=1).word_frequency.dictionary)


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

# Words that frame a question rather than say what it is about: greetings, requests, and the
# vocabulary every document of this domain shares. They do not count as evidence either way. « ce genre de séances »,
# « une sorte de jeu »: words that point at a kind of thing, not at a subject. « vendredi », « demain »: when the teacher
# has the class (« Ton supporter viendra te demander vendredi… » had put a goal-setting sheet first for CE1 pupils who
# quarrel over ball games, « j'ai 25 min avec mes CE1 vendredi »).
FRAMING = """
bonjour merci svp stp voudrais voudrait voudrions aimerais aimerait cherche cherchons chercher besoin aide aider
savoir connaitre expliquer explique expliquez pouvez pourriez pourrais peux puis dois doit faut faudrait idee idees
truc trucs chose choses quoi comment pourquoi quand combien quel quelle quels quelles qui ou est-ce entendu parler
parle dire dit propose proposer proposez conseil conseils exemple exemples simplement vraiment plein beaucoup
activite activites seance seances atelier ateliers jeu jeux exercice exercices faire fait travailler travail
apprendre apprennent eleve eleves enfant enfants classe classes enseignant enseignante enseignants enseigner
ma mon mes notre nos votre vos mettre place utiliser avoir etre vs versus genre sorte
minimum maximum max maxi minimal maximal environ approximativement tendance impression frequence frequences
toujours encore lundi mardi mercredi jeudi vendredi samedi dimanche demain
""".split()
# The domain's own words among them (séance, activité, élève…) tell a session sheet from a report: searched, unlike the
# rest.
_DOMAIN_FRAMING = """
activite activites seance seances atelier ateliers jeu jeux exercice exercices eleve eleves enfant enfants classe classes
enseignant enseignants travailler travail apprendre apprennent conseil conseils exemple exemples
""".split()

# Elided articles and pronouns: "l'écoute" → "écoute", "qu'est-ce" → "est-ce".
_ELISION = re.compile(rf"\b(?:{ELIDABLE}|quoiqu)['’]", re.IGNORECASE)
# Numbers ("7 000", "2,5"), and words that may mix letters and digits ("CE2", "6e", "3114").
_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)?(?![^\W_])|[^\W_]+(?:-[^\W_]+)*", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer  # PyStemmer: Snowball stemmers in C

    return Stemmer.Stemmer("french")


# Stop words as spelled with their accents: folded, « né » would read as the negation « ne ».
_ACCENTED_STOP_WORDS = frozenset("à où ça été déjà très même mêmes auprès étaient étais était étant êtes étiez étions "
                                 "être voilà".split())


def only_function_words(text: str) -> bool:
    """Whether the text has words and all of them are function words (« et », « ils », « moi aussi »): nothing in it a
    model could read a meaning from. Accents count: « pourquoi je suis né » holds a content word."""
    tokens = words(text)
    return bool(tokens) and all(w in _ACCENTED_STOP_WORDS or (fold(w) == w and w in STOP_WORDS) for w in tokens)


def words(text: str) -> list[str]:
    """Lower-case word tokens after elision removal (hyphenated words also split into parts)."""
    # « mise en oeuvre », « coeur », « soeur » as typed on a keyboard without « œ » are the library's « œuvre », « cœur ».
    text = _ELISION.sub(" ", text.lower().replace("’", "'").replace("œ", "oe").replace("æ", "ae"))
    out: list[str] = []
    for token in _TOKEN.findall(text):
        out.append(token)
        if "-" in token:
            out.extend(part for part in token.split("-") if part)
    return out


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def word_forms(texts: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Each folded word of `texts` (five letters or more): how often it occurs and its most frequent written form."""
    counts = Counter(w for t in texts for w in _WORD.findall(t.lower()) if len(w) >= MIN_CORRECTED)
    forms: dict[str, tuple[int, str]] = {}
    for form, n in counts.most_common():
        folded = fold(form)
        total, best = forms.get(folded, (0, form))
        forms[folded] = (total + n, best)
    return forms


def complete_clipped(text: str, forms: dict[str, tuple[int, str]]) -> str:
    """Clipped words completed with the library's most frequent word they start (« un jeu de coopé » → « un jeu de
    coopération »): read as typed, « coopé » is neither a library nor a French word, the typo correction made it
    « coupe », and the e5 model read the request as off the programme. Words the library or French has are kept."""
    def complete(match: re.Match[str]) -> str:
        word = match.group(0)
        folded = fold(word)
        if len(folded) < MIN_CORRECTED or folded in forms or folded in STOP_WORDS or folded in french_words():
            return word
        completions = [(n, -len(w), form) for w, (n, form) in forms.items() if w.startswith(folded)]
        return max(completions)[2] if completions else word

    return _WORD.sub(complete, text)


def analyze(text: str) -> list[str]:
    """Text → index terms: no stop words, accents folded, Snowball French stems (so a question typed
    without accents still matches)."""
    # Accents are folded before stemming so that "activité" and "activite" (typed without accents)
    # reach the same stem.
    kept = [f for f in (fold(w) for w in words(text)) if f not in STOP_WORDS and len(f) > 1 or f.isdigit()]
    stems = _stemmer().stemWords(kept)
    # A word of three letters or fewer is mostly an acronym or a class, and stemmed it met another: « CPS » became the
    # class « CP », « PS », « MS » and « GS » single letters, « OMS » « om ».
    return [word if len(word) <= SHORT_WORD else stem for word, stem in zip(kept, stems)]


@lru_cache(maxsize=1)
def framing_terms() -> frozenset[str]:
    """The index terms of the words that frame a question (`FRAMING`) but the domain's own (`_DOMAIN_FRAMING`)."""
    return frozenset(analyze(" ".join(FRAMING))) - frozenset(analyze(" ".join(_DOMAIN_FRAMING)))


class LexicalIndex:
    """BM25 over analyzed chunk texts; scores are aligned with the list of chunk ids."""

    # atire with k1 0.9, b 0.5 was marginally best on the French sets (../shared/retrieval-notes.md).
    def __init__(self, k1: float = 0.9, b: float = 0.5) -> None:
        import bm25s

        self.retriever = bm25s.BM25(k1=k1, b=b, method="atire")
        self.vocabulary: set[str] = set()
        self.surface: set[str] = set()
        # Sorted, so that ties between equally close words resolve the same way in every process.
        self._surface_sorted: list[str] = []
        self.size = 0
        # One question is analysed several times (search, relevance, answer): its correction is remembered.
        self._correct_cached = lru_cache(maxsize=1024)(self._correct)

    def build(self, texts: list[str]) -> None:
        tokenized = [analyze(t) for t in texts]
        self.size = len(texts)
        self.retriever.index(tokenized or [[""]], show_progress=False)
        self.vocabulary = {t for doc in tokenized for t in doc}
        # Surface forms (folded words) of the corpus: typos are corrected against words, not stems.
        self.surface = {f for t in texts for f in (fold(w) for w in words(t)) if len(f) >= 5 and f not in STOP_WORDS}
        self._surface_sorted = sorted(self.surface)
        self._correct_cached.cache_clear()

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.retriever.save(str(directory), show_progress=False)
        meta = {"size": self.size, "surface": sorted(self.surface)}
        (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        import bm25s

        index = cls.__new__(cls)
        index.retriever = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0)
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        index.size = meta["size"]
        index._surface_sorted = list(meta.get("surface", ()))  # saved sorted
        index.surface = set(index._surface_sorted)
        index.vocabulary = {t for t in index.retriever.vocab_dict if t}
        index._correct_cached = lru_cache(maxsize=1024)(index._correct)
        return index

    def correct(self, query: str) -> str:
        """Spell out chat abbreviations (« qd » → « quand », `sms.py`), then replace misspelt words (neither the
        corpus's nor French, `french_words`) by a corpus word one or two edits away, when there is one with the same
        first letter ('emotinos' → 'emotions', 'harcelemnt' → 'harcelement', 'sénce' → 'seance')."""
        return self._correct_cached(query)

    def _correct(self, query: str) -> str:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        out = []
        for word in words(spell_out(query)):
            folded = fold(word)
            if (len(folded) < MIN_CORRECTED or folded in self.surface or folded in STOP_WORDS or folded.isdigit()
                    or "-" in folded or folded in french_words()):
                out.append(word)
                continue
            limit = 1 if len(folded) < 9 else 2
            candidates = [w for w in self._surface_sorted if w[0] == folded[0] and abs(len(w) - len(folded)) <= limit]
            match = process.extractOne(folded, candidates, scorer=OSA.distance, score_cutoff=limit)
            out.append(match[0] if match else word)
        return " ".join(out)

    def query_terms(self, query: str) -> list[str]:
        """Analyzed query terms, after typo correction against the corpus's own words."""
        return analyze(self.correct(query))

    def scores(self, query: str, mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every chunk for the query (zeros where the mask is False)."""
        if self.size == 0:
            return np.zeros(0, dtype=np.float32)
        terms = [t for t in self.query_terms(query) if t in self.vocabulary]
        # Words that frame a question (« on m'a parlé de… », « ça veut dire quoi ») say nothing of its subject: counted,
        # they lifted the protection guide's passage on letting a child speak over the one defining « SAFE ». Hybrid,
        # against counting them: expected document first fresh 0.894 → 0.906, fresh5 0.786 → 0.800; first citation
        # fresh5 0.814 → 0.843; sheet first fresh5 0.882 → 0.941; key facts gold 0.839 → 0.832, fresh3 0.781 → 0.775,
        # fresh5 0.821 → 0.814. A question of framing words alone keeps them.
        framing = framing_terms()
        terms = [t for t in terms if t not in framing] or terms
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
