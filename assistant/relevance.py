"""Is anything retrieved actually about the question? The signal behind abstention.

Fused scores are min-max normalised per query, so they say nothing about absolute relevance.
Two absolute signals are used instead: how much of the question's weighted vocabulary the best
passage covers (IDF-weighted, so 'enseignant' counts little and 'scarification' a lot), and the
dense cosine of the best passage (with multilingual-e5 a real second signal; with the English MiniLM
its cosine is about 0.6 for any French passage, AUC 0.58, so that model keeps the lexical bars), with
the question's nouns that the library never uses (what a question is about, unlike a verb it lacks).
They are combined by a linear model calibrated on the gold set, the fresh split and two development sets
(`python -m eval.calibrate`, README "Abstention"). A question asking for a kind of answer the best
passages do not hold (an amount, a phone number, a count, a named author…) is declined whatever the
score: `check_asked_fact`, over `assistant/asked_fact.py`."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from assistant import asked_fact, nouns, sub_questions
from assistant.lexical import FRAMING, analyze
from assistant.retrieve import Hit, Snapshot
from assistant.vocabulary import CLASSES



@lru_cache(maxsize=2)
def neutral_terms(with_levels: bool = True) -> frozenset[str]:
    """The index terms of the framing words (`FRAMING`), and of class names when `with_levels`."""
    # Class names are neutral only when the question names a class: "CPS" stems like "CP".
    levels = [level.lower() for level in CLASSES] + ["maternelle", "college", "collegiens", "cycle", "section", "grande", "petite", "moyenne"]
    # « 3eme », « 6ème », « cinquième »: how classes are typed, not words the library must use
    levels += [f"{n}{suffix}" for n in range(3, 7) for suffix in ("eme", "ème")] + ["sixieme", "cinquieme", "quatrieme", "troisieme"]
    return frozenset(t for word in FRAMING + (levels if with_levels else []) for t in analyze(word))


@dataclass(frozen=True)
class Relevance:
    coverage: float  # IDF-weighted share of query terms found in the best passage (0–1)
    dense: float  # best cosine similarity among the passages (reported; too flat in French to decide)
    informative_terms: int  # query terms that exist in the corpus
    unknown: tuple[str, ...] = ()  # content terms the corpus never uses ('salair', 'pou', 'psfp')
    activity: bool = False  # an activity request: a library of session sheets nearly always has a nearest one
    missing: str | None = None  # what the question asks that no best passage gives: a kind of answer or 'specific:<word>'
    margin: float = 0.0  # how far the best cosine stands above the 4th–8th passages' (a peak, not a plateau)
    unknown_nouns: tuple[str, ...] = ()  # the question's nouns the library never uses (« menu », « poux »)
    unknown_noun_share: float = 0.0  # their share of the question's content nouns
    off_topic: float = 0.0  # how much less the question is about the programme's subjects than the library (≤ 0; scope.py)

    def features(self) -> tuple[float, ...]:
        """(coverage, best cosine, margin, activity request, a noun the library never uses, their share of the
        question's nouns, the question's shortfall from the library's topic): the inputs of the answerability model. The absolute cosine depends on the library
        (answerable PIAF questions over Wikipedia score below this library's out-of-corpus ones); the margin of
        the best passage over the next ones travels between libraries. Unknown words count only when they are
        nouns: a verb or adverb the library never uses (« ils se chamaillent ») is how a question is typed, a
        noun (« le menu de la cantine ») is what it is about."""
        return (self.coverage, self.dense, self.margin, 1.0 if self.activity else 0.0,
                1.0 if self.unknown_nouns else 0.0, self.unknown_noun_share, self.off_topic)

    def score(self, weights: tuple[float, ...]) -> float:
        """The calibrated answerability score (≥ 0: answer): a linear model over `features()` plus a bias,
        fitted by `python -m eval.calibrate`."""
        *coefs, bias = weights
        return sum(w * x for w, x in zip(coefs, self.features())) + bias

    def answerable(self, min_coverage: float, min_coverage_unknown: float,
                   weights: tuple[float, ...] | None = None) -> bool:
        """With a dense signal and calibrated `weights`, the two signals decide together; without one
        (BM25 only), a question with a word the corpus never uses needs more of its other words covered.
        Either way, a question whose asked kind of answer no best passage gives is declined."""
        if self.missing:
            return False
        if self.unknown and self.informative_terms == 0:
            return False  # every word the question is about is one the library never uses (« conjugaison »)
        if weights is not None and self.dense > 0:
            return self.score(weights) >= 0
        if self.informative_terms == 0:
            return False
        return self.coverage >= (min_coverage_unknown if self.unknown else min_coverage)


def assess(query_terms: list[str], hits: list[Hit], idf: Callable[[str], float], unknown_idf: float,
           activity: bool = False, names_level: bool = True, missing: str | None = None,
           question: str | None = None, off_topic: float = 0.0) -> Relevance:
    """Coverage of the query by the best of the retrieved passages, and their best dense score.

    Framing words and class names do not count. A term the corpus never uses weighs like an average
    matched term (it may be a typo or a synonym) and is reported in `unknown`, which raises the bar
    in `Relevance.answerable`; `unknown_idf` is its weight when no term of the question is known. Given the
    `question` as typed, the unknown terms that are nouns of it are reported too (`unknown_nouns`). `off_topic` is
    the question's shortfall from the library's topic (`scope.shortfall`; 0.0 without a reading)."""
    neutral = neutral_terms(names_level)
    # Numbers do not count, except years ("2023" must match).
    terms = [t for t in dict.fromkeys(query_terms) if (t not in neutral and not t.isdigit()) or (len(t) == 4 and t.isdigit())]
    margin = cosine_margin(hits)
    if not terms or not hits:
        return Relevance(0.0, max((h.dense for h in hits), default=0.0), 0, (), activity, missing, margin, off_topic=off_topic)
    idfs = {t: idf(t) for t in terms}
    # A hyphenated form the library never writes (« adresse-t-il », « PS-MS ») is also indexed as its
    # parts, which carry its meaning: counted whole, it would read as a word the library lacks.
    idfs = {t: v for t, v in idfs.items() if v > 0 or "-" not in t} or idfs
    known = [v for v in idfs.values() if v > 0]
    absent_weight = sum(known) / len(known) if known else unknown_idf
    weights = {t: (v or absent_weight) for t, v in idfs.items()}
    total = sum(weights.values()) or 1.0
    best = 0.0
    for hit in hits[:5]:
        present = set(analyze(hit.chunk.indexed_text))
        best = max(best, sum(w for t, w in weights.items() if t in present) / total)
    unknown = tuple(t for t, v in idfs.items() if v == 0 and not t.isdigit())
    unknown_nouns, share = _unknown_nouns(question, unknown, neutral) if question and unknown else ((), 0.0)
    return Relevance(best, max(h.dense for h in hits), len(known), unknown, activity, missing, margin, unknown_nouns, share,
                     off_topic)


def _unknown_nouns(question: str, unknown: tuple[str, ...], neutral: frozenset[str]) -> tuple[tuple[str, ...], float]:
    """The question's content nouns whose terms the library never uses, and their share of its content nouns."""
    absent = set(unknown)
    content = [(noun, terms) for noun in nouns.nouns(question) if (terms := set(analyze(noun))) - neutral]
    lacking = [noun for noun, terms in content if terms & absent]
    return tuple(dict.fromkeys(lacking)), (len(lacking) / len(content) if content else 0.0)


def cosine_margin(hits: list[Hit], first: int = 3, last: int = 8) -> float:
    """Best cosine minus the mean cosine of the passages ranked `first`+1 to `last` by cosine (0 with fewer)."""
    cosines = sorted((h.dense for h in hits), reverse=True)
    if len(cosines) < last:
        return 0.0
    return cosines[0] - sum(cosines[first:last]) / (last - first)


def rare_in(snap: Snapshot, rare_share: float) -> Callable[[str], bool]:
    """Whether a (folded) word is rare in this library: its words' IDF at least that of a word found in `rare_share` of
    the passages (a word the library never uses is rare)."""
    n = max(snap.lexical.size, 1)
    df = rare_share * n
    floor = math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def is_rare(word: str) -> bool:
        terms = analyze(word)
        if any(snap.lexical.idf(t) == 0 for t in terms) and snap.lexical.correct(word) != word:
            return False  # a misspelling of a library word ("Exelsior"): retrieval already read it corrected
        return bool(terms) and all(snap.lexical.idf(t) == 0 or snap.lexical.idf(t) >= floor for t in terms)

    return is_rare


def mentioned_in_passing(question: str, snap: Snapshot, rare_share: float) -> str | None:
    """The name whose workings the question asks (« pHARe, il marche comment ? ») when the library only names it in
    passing (asked_fact.mentioned_in_passing); None otherwise."""
    return asked_fact.mentioned_in_passing(question, snap.folded_texts(), rare_in(snap, rare_share))


def check_asked_fact(question: str, hits: list[Hit], snap: Snapshot, rare_share: float, passages: int = 8,
                     documents: int = 1) -> asked_fact.FactCheck:
    """Does one of the best passages give the kind of answer `question` asks for, and name what it names?

    A name or place is required only when rare in this library: its words' IDF must be at least that of
    a word found in `rare_share` of the passages (a word the library never uses is rare). The whole of
    the best `documents` is read too: a follow-up ("combien de passages faut-il prévoir ?" after a
    session sheet) is retrieved with the previous question's words and may miss the passage that answers."""
    is_rare = rare_in(snap, rare_share)
    # A name asked for in quotes that no passage of the library holds: the thing is not in the documents, whatever
    # passages share its words (« une fiche 'la roue des émotions' ? » is no request for the emotions sheets).
    absent = next((n for n in asked_fact.quoted_names(question) if not asked_fact.named_in(n, snap.name_words())), None)
    if absent is not None:
        return asked_fact.FactCheck(f"named:{absent}", asked_fact.read_question(question))
    texts = [h.chunk.indexed_text for h in hits[:passages]]
    for source in list(dict.fromkeys(h.chunk.doc.source for h in hits))[:documents]:
        texts += [c.indexed_text for c in snap.document_chunks(source)]
    return asked_fact.check_message(question, sub_questions.split(question), texts, is_rare)
