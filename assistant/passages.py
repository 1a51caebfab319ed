"""Which passages of the best documents answer a factual question. Retrieval keeps at most two
passages per document and ranks documents well; the passage that holds the answer is often another
one of the same document (a list after the sentence announcing it, the section that follows). Every
passage of the best-ranked documents is scored against the question by its stored e5 vector (no
encoding at query time) and by BM25, fused like retrieval but with a weight of its own."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import numpy as np

from assistant import asked_fact, extractive, sms, sub_questions
from assistant.retrieve import Hit, Snapshot, preamble
from assistant.schema import Chunk
from assistant.scores import minmax
from assistant.vocabulary import fold

# Dense share of the within-document score. Key facts held by the first three passages chosen (factual
# questions, gold / fresh, offline): BM25 alone 0.71 / 0.69, e5 alone 0.68 / 0.72, fused at 0.5 0.76 /
# 0.77; through the answers, 0.4, 0.5 and 0.65 differ by one question at most.
DENSE_WEIGHT = 0.5
# The first document keeps a lead over the second: retrieval ranks documents better than passages rank
# across documents (key facts in the answers, gold: 0.750 at 0.1, 0.747 at 0.2, 0.741 at 0.35).
FIRST_DOCUMENT_BONUS = 0.1


def best_documents(hits: list[Hit], n: int) -> list[str]:
    """The sources of the first `n` documents in retrieval order."""
    return list(dict.fromkeys(h.chunk.doc.source for h in hits))[:n]


def body_passages(chunks: list[Chunk]) -> list[Chunk]:
    """A document's passages without its preamble (retrieve.preamble: in a document with sections, what comes before the
    first heading is a notice or metadata lines, which match a question only through the title)."""
    return chunks[len(preamble(chunks)):]


def rank_passages(snap: Snapshot, hits: list[Hit], text: str, vector: np.ndarray | None, documents: int = 2,
                  dense_weight: float | None = None, first_bonus: float | None = None, advice: bool = False) -> list[Hit]:
    """Every passage of the first `documents` documents of `hits`, best first, scored by
    `dense_weight · minmax(cosine) + (1 − dense_weight) · minmax(BM25)` over that pool, plus
    `first_bonus` for the first document, and with `advice` (a question asking advice, not an activity) ADVICE_BONUS for
    the advice sections of a session sheet ranked first. Without a query vector or stored vectors, BM25 alone."""
    dense_weight = DENSE_WEIGHT if dense_weight is None else dense_weight
    first_bonus = FIRST_DOCUMENT_BONUS if first_bonus is None else first_bonus
    sources = best_documents(hits, documents)
    pool = [c for src in sources for c in body_passages(snap.document_chunks(src))]
    if not pool:
        return []
    bm25_all = snap.lexical.scores(text)
    bm25 = np.array([bm25_all[snap.index_of[c.id]] for c in pool], dtype=np.float32)
    stored = snap.passage_vectors(pool) if vector is not None else None
    if stored is not None:
        q = np.asarray(vector, dtype=np.float32)
        norms = np.linalg.norm(stored, axis=1) * (float(np.linalg.norm(q)) or 1.0)
        cosine = stored @ q / np.where(norms > 0, norms, 1.0)
        score = dense_weight * minmax(cosine) + (1 - dense_weight) * minmax(bm25)
    else:
        cosine = np.zeros(len(pool), dtype=np.float32)
        score = minmax(bm25)
    score = score + np.array([first_bonus if c.doc.source == sources[0] else 0.0 for c in pool])
    score = score - np.array([ONLY_QUESTIONS if only_questions(c, text) else 0.0 for c in pool])
    if advice:
        score = score + np.array([ADVICE_BONUS if c.doc.source == sources[0] and _sheet_advice(c) else 0.0 for c in pool])
    ranked = [Hit(c, float(s), float(b), float(d)) for c, s, b, d in zip(pool, score, bm25, cosine)]
    return sorted(ranked, key=lambda h: -h.score)


# A question asking advice (not an activity request) about the session sheet
# ranked first (« pendant la séance sur les émotions cachées dans le corps, une petite s'est mise à pleurer, je continue
# ou j'arrête ? ») is answered by the sheet's advice to the adult (« Un élève peut se rappeler un souvenir douloureux :
# l'accueillir… ») rather than by its variants, which share the class's words. Thirty-second session, development splits:
# at 0.5 fresh7 key facts 0.707 → 0.721, nothing else moved; at 0.35 nothing moved; at 0.25 and 0.5 given to every
# sheet ranked, not only the first document, a guide's question (« je l'oblige ou je le laisse ? ») opened on the second
# document's sheet.
ADVICE_BONUS = 0.5
_ADVICE_SECTIONS = frozenset({"Points de vigilance", "Conseils de posture"})


def _sheet_advice(chunk: Chunk) -> bool:
    """A session sheet's passage of advice to the adult running it (« Points de vigilance », « Conseils de posture »)."""
    return chunk.doc.doc_type == "seance" and extractive.section_label(chunk) in _ADVICE_SECTIONS


# What a run of questions loses in the within-document score (scores span 0 to 1.1: it comes after every other
# passage of the two documents).
ONLY_QUESTIONS = 1.0
_ASKS_QUESTIONS = re.compile(r"\bquestions?\b|\bdemander\b")


def only_questions(chunk: Chunk, question: str) -> bool:
    """A passage that is a run of questions (a debrief's prompts: « Qu'avez-vous remarqué ? », close in meaning to any
    question put to them) answers none unless questions are asked for (« quelles questions poser au bilan ? »)."""
    units = [u for u in extractive.sentences(chunk.text) if len(u) > 15]
    return bool(units) and not _ASKS_QUESTIONS.search(fold(question)) \
        and sum(map(extractive.is_question, units)) * 5 >= len(units) * 3


# « c'est quoi les CPS ? », « que veut dire médiation ? »: a question about what something is or means, and the
# words with which a text says so (« l'OMS définit les compétences psychosociales comme… », « on appelle… »).
_ASKS_MEANING = re.compile(r"\b(c(?:'?est)? quoi|qu'est[- ]ce qu(?:e|')\s*(?:c'est|le|la|les|l'|un|une|des)\b|que veut dire|ca veut dire"
                           r"|veut dire quoi|signifie|definition|definir)")
_DEFINES = re.compile(r"\b(se definit|se definissent|definit|definissent|definie?s? comme|designe|designent|on appelle"
                      r"|signifie|signifient|autrement dit)\b")


_ARTICLE = r"(?:les |le |la |l'|un |une |des |du )?"
_HEDGE = r"(?:exactement|au juste|concretement|vraiment|en fait|en gros|donc)"
# The thing asked about: « c'est quoi (exactement) les CPS ? », « qu'est-ce que le message clair ? », « les compétences
# psychosociales, c'est quoi exactement ? », « le PES ça veut dire quoi ? ».
_TERM_AFTER = re.compile(r"\b(?:c'est quoi|qu'est-ce que c'est que|qu'est-ce que|qu'est-ce qu'|que veut dire|que signifie"
                         r"|que signifient)"
                         rf"\s+(?:{_HEDGE}\s+)?{_ARTICLE}([a-z0-9'-]+(?: [a-z0-9'-]+){{0,4}}?)\s*(?:\?|,|\.|$|\s{_HEDGE}\b)")
_TERM_BEFORE = re.compile(rf"(?:^|[,.;:!?]\s*){_ARTICLE}([a-z0-9'-]+(?: [a-z0-9'-]+){{0,4}}?),?\s+(?:{_HEDGE}\s+)?"
                          r"(?:c'est quoi|ca veut dire quoi|qu'est-ce que c'est)\b")


def term_asked(question: str) -> str | None:
    """What a question asking for a meaning asks about, folded (« compétences psychosociales »), or None."""
    folded = fold(sms.spell_out(question)).replace("’", "'")
    for pattern in (_TERM_AFTER, _TERM_BEFORE):
        m = pattern.search(folded)
        if m and len(m.group(1)) >= 3 and not _NOT_A_TERM.match(m.group(1)):
            return m.group(1)
    return None


# « c'est quoi exactement ? » (the term came before), « c'est quoi et ça existe depuis quand ? »
_NOT_A_TERM = re.compile(rf"(?:{_HEDGE}|et|ou|ca|cela|ce)\b")


def defines(sentence: str, term: str) -> bool:
    """A sentence that says what `term` (folded) is: « l'OMS définit les compétences psychosociales comme… », « Le message
    clair est un outil… », « **IREPS** : Instance régionale… »."""
    plain = fold(extractive.unmarked(sentence)).replace("*", "").strip(" -")
    if term not in plain:
        return False
    return bool(_DEFINES.search(plain) or re.match(
        rf"{_ARTICLE}{re.escape(term)}\s*(?:\([^)]*\)\s*)?(?::|est (?:un|une|le|la|l')|sont (?:des|les)|designe)", plain))


def defines_asked(chunk: Chunk, question: str) -> bool:
    """Whether a passage defines what a question asking for a meaning asks about (`term_asked`)."""
    term = term_asked(question)
    return term is not None and any(defines(s, term) for s in extractive.sentences(chunk.text))


def defining_passages(snap: Snapshot, term: str) -> list[Chunk]:
    """The library's passages with a sentence that defines `term`."""
    return [c for c in snap.chunks if term in fold(c.text) and any(defines(s, term) for s in extractive.sentences(c.text))]


def definition_first(snap: Snapshot, ranked: list[Hit], question: str, vector: np.ndarray | None,
                     within: int = 6) -> list[Hit]:
    """A question asking what something is opens on a passage that defines it: the first of the first `within` passages
    of the best documents that does; when none does, the library's passage that does (the closest to the question by
    meaning, if several). « je débarque, les CPS concrètement c'est quoi ? » opened on the cartable's website and a
    teacher's interview, the two documents retrieval ranked first; the OMS definition was in the third."""
    term = term_asked(question)
    if term is None:
        return ranked
    near = [h for h in ranked[:within] if any(defines(s, term) for s in extractive.sentences(h.chunk.text))]
    if near:
        return near[:1] + [h for h in ranked if h is not near[0]]
    found = defining_passages(snap, term)
    if not found:
        return ranked
    if len(found) > 1 and vector is not None and (stored := snap.passage_vectors(found)) is not None:
        found = [found[int(np.argmax(stored @ np.asarray(vector, dtype=np.float32)))]]
    best = found[0]
    top = ranked[0].score if ranked else 1.0
    return [Hit(best, top + 1.0)] + [h for h in ranked if h.chunk.id != best.id]


# « - **ARS** : Agence régionale de santé ; elle pilote le PRS. »: a line of a glossary.
_EXPANDS_ACRONYM = re.compile(r"^\s*[-*•]\s*\*\*[A-ZÀ-Ý][A-ZÀ-Ý0-9/ ]+\*\*\s*:", re.MULTILINE)
_GLOSSARY = re.compile(r"\b(?:glossaire|sigles|lexique|acronymes|abreviations)\b")


def _says_who_did(chunk: Chunk) -> bool:
    """A passage saying who ran, funded, led or made something (`sub_questions.states_agent`); a glossary, which
    expands names (« **ARS** : Agence régionale de santé ; elle pilote le PRS »), says who is who, not who did what."""
    if len(_EXPANDS_ACRONYM.findall(chunk.text)) >= 3 or any(_GLOSSARY.search(fold(h)) for h in chunk.heading_path):
        return False
    return sub_questions.states_agent(chunk.text)


def _about_agents(chunk: Chunk) -> bool:
    """A section named for who did what (« Partenaires et coordination », « Les artisans »)."""
    return any(sub_questions.names_agency(h) for h in chunk.heading_path)


# « par quoi commencer ? », « la première étape ? »: a guide's or a sheet's first step answers, not the step retrieval scores best.
_ASKS_FIRST_STEP = re.compile(r"\b(?:par (?:quoi|ou) (?:je |on |il faut |faut-il )?(?:commence\w*|demarr\w*)|premiere etape"
                              r"|(?:je|on) commence par (?:quoi|ou))\b")
_FIRST_STEP = re.compile(r"(?:etape 1|1[.)]|premiere etape|etape n° ?1)(?!\d)")


def _about_evaluation(chunk: Chunk) -> bool:
    """A passage of an evaluation report, or of a section about an evaluation."""
    return chunk.doc.doc_type == "evaluation" or any("evaluation" in fold(h) for h in chunk.heading_path)


def _outcome_of_another(chunk: Chunk, folded_question: str) -> bool:
    """Every outcome the passage states sits under the bold label of something the question does not name
    (« - **« Prendre soin de soi »**, pour les 8-11 ans… Résultats publiés : 86 %… » for « quels résultats pour En santé
    à l'école ? »)."""
    labels = [extractive.bold_label(line) for line in chunk.text.split("\n") if sub_questions.states_outcome(line)]
    return bool(labels) and all(label is not None and fold(label).strip(" «»\"") not in folded_question for label in labels)


# Whom an outcome may be asked about (« des résultats chez les élèves ? »), and a sentence saying an evaluation did not
# measure them (« L'objet évalué n'est donc pas directement l'évolution des enfants »).
_POPULATION = re.compile(r"\b(?:eleves?|enfants?)\b")
_NOT_OF_POPULATION = re.compile(r"\b(?:pas|jamais|aucune?)\b(?:\W+\w+){0,5}?\W+(?:eleves?|enfants?)\b")
_MEASURE = re.compile(r"\b(?:evalu\w*|mesur\w*)")


def _says_not_evaluated(chunk: Chunk) -> bool:
    """A sentence of the passage says that what was evaluated or measured was not the pupils (« L'objet évalué n'est
    donc pas directement l'évolution des enfants, mais la capacité du programme à rendre les enseignants autonomes »)."""
    return any(_MEASURE.search(s) and _NOT_OF_POPULATION.search(s) for s in map(fold, extractive.sentences(chunk.text)))


def _gives_kinds(hit: Hit, asked: asked_fact.AskedFact, kinds: frozenset[str]) -> bool:
    """Whether one line of the passage gives an answer of each of `kinds`."""
    return asked_fact.check(dataclasses.replace(asked, kinds=kinds), [hit.chunk.indexed_text], lambda _w: False).missing is None


def _moved_ahead(first: list[Hit], tail: list[Hit], wanted: Callable[[Hit], bool]) -> tuple[list[Hit], list[Hit]]:
    """The passages of `tail` that are `wanted`, moved to the end of `first`."""
    further = [h for h in tail if wanted(h)]
    return first + further, [h for h in tail if h not in further]


def answering_first(ranked: list[Hit], question: str, within: int = 6, acronyms: dict[str, str] | None = None) -> list[Hit]:
    """When the question asks for a kind of answer (a count, a date, an amount…: `asked_fact`; a meaning), the
    passages among the first `within` that give one move ahead, in their order: « Combien d'écoles ? »
    opens on the passage that says « 91 écoles », not on the one that counts classes; « c'est quoi les CPS ? »
    on the passage that defines them, not on the history of a website named after them; « par quoi commencer ? » on a
    guide's first step; « à quelle fréquence ? » on a passage saying how often; a count of something named among all
    the passages of the best document; « qui pilotait ? » on a passage saying who did what, among them too; « quels
    résultats a donné l'évaluation ? » on the passage stating what it concluded, among all the passages ranked (an
    evaluation's conclusion shares few words with its question: « résultats » / « conclut »), and « des résultats sur les
    élèves ? » on its saying that it did not measure them. `acronyms`: the library's
    (acronym → spelled out), so that « combien de CPS ? » counts « compétences »."""
    # A title slide says nothing beyond the source line above it: never the passage an answer opens on.
    ranked = sorted(ranked, key=lambda h: extractive.only_a_title(h.chunk))
    folded = fold(question)
    asked = asked_fact.read_question(question)
    if asked.counted and acronyms:
        # the library writes « 9 compétences générales », not « 9 CPS »
        heads = {fold(acronym): fold(spelled).split()[0] for acronym, spelled in acronyms.items() if spelled.strip()}
        asked = dataclasses.replace(asked, counted=tuple(heads.get(noun, noun) for noun in asked.counted))
    kinds_only = dataclasses.replace(asked, specifics=(), named=())
    outcome = sub_questions.asks_outcome(question)
    frequency = asked_fact.asks_frequency(question)
    agent = not outcome and sub_questions.asks_agent(question)
    gives: Callable[[Hit], bool]
    if agent:
        # before the kinds: « qui a porté le programme et sur quelles années ? » is answered by its partners first
        gives = lambda h: _says_who_did(h.chunk)  # noqa: E731
    elif outcome:
        gives = lambda h: sub_questions.states_outcome(h.chunk.text)  # noqa: E731
    elif frequency:
        # before the kinds: « combien de fois par semaine ? » also reads as a count
        gives = lambda h: asked_fact.states_frequency(h.chunk.text)  # noqa: E731
    elif asked_fact.asks_age(question):
        # before the kinds: « la stratégie dure combien d'années et pour quel âge ? » (the duration gets its own sentence)
        gives = lambda h: asked_fact.states_age(h.chunk.text)  # noqa: E731
    elif asked.kinds:
        # Several kinds (« de quand à quand, et combien d'écoles ? ») are rarely given on one line: a passage giving one
        # of them answers part of the question (the others get sentences of their own: extractive.sub_answers).
        gives = lambda h: any(_gives_kinds(h, kinds_only, frozenset({k})) for k in asked.kinds)  # noqa: E731
    elif _ASKS_MEANING.search(folded):
        gives = lambda h: bool(_DEFINES.search(fold(h.chunk.text)))  # noqa: E731
    elif _ASKS_FIRST_STEP.search(folded):
        # Steps to take are those of a guide or a session sheet; a write-up's « 1. » tells what others did.
        gives = lambda h: h.chunk.doc.doc_type in ("guide", "seance") and any(  # noqa: E731
            _FIRST_STEP.match(fold(heading)) for heading in h.chunk.heading_path)
    else:
        return ranked
    head, tail = (ranked, []) if outcome else (ranked[:within], ranked[within:])
    first = [h for h in head if gives(h)]
    if outcome:
        # « les résultats de l'évaluation du programme ? », « quels résultats pour En santé à l'école ? »: what an
        # evaluation concluded before other published figures (a later programme's « Résultats publiés : 86 %… » in the
        # same presentation, under that programme's name)
        first.sort(key=lambda h: (_outcome_of_another(h.chunk, folded),
                                  "evaluation" in folded and not _about_evaluation(h.chunk)))
        if _POPULATION.search(folded):
            # « des résultats prouvés sur les élèves ? »: that the evaluation did not measure them is the answer, before
            # what it concluded about the teachers; said by the document of the outcome found first (« « Prendre soin de
            # soi », quels résultats chez les enfants ? » is answered by that programme's figures, not by another's
            # evaluation)
            unmeasured = [h for h in ranked if _says_not_evaluated(h.chunk)
                          and (not first or h.chunk.doc.source == first[0].chunk.doc.source)]
            first = unmeasured + [h for h in first if h not in unmeasured]
    if not outcome and (agent or "count" in asked.kinds and asked.counted) and ranked:
        # « la progression tenait en combien de séances ? »: a count of something named is specific enough to be
        # sought in every passage of the best document, not only in the first few (« huit séances » ranked ninth);
        # so is who did something (the cartable's « Les artisans », ranked ninth for « qui l'a coordonné ? »).
        best = ranked[0].chunk.doc.source
        first, tail = _moved_ahead(first, tail, lambda h: h.chunk.doc.source == best and gives(h))
    if frequency:
        # « tous les combien programmer les séances ? »: a guide's « une séance toutes les deux à trois semaines » may rank
        # twentieth among passages sharing more words; one saying how often a session is held, in a document already
        # ranked, is sought there (not « réutiliser chaque jour les règles des séances », a summary's advice)
        documents = {h.chunk.doc.source for h in head}
        first, tail = _moved_ahead(first, tail,
                                   lambda h: h.chunk.doc.source in documents and asked_fact.says_how_often_held(h.chunk.text))
    if not outcome and frequency:
        first.sort(key=lambda h: not asked_fact.states_frequency(h.chunk.text, interval=True))
    elif not (outcome or agent) and len(asked.kinds) > 1:
        # all the kinds first; then a count of the thing named (« combien d'écoles »), more telling than any date
        counted = "count" in asked.kinds and bool(asked.counted)
        first.sort(key=lambda h: (not _gives_kinds(h, kinds_only, asked.kinds),
                                  not (counted and _gives_kinds(h, kinds_only, frozenset({"count"})))))
    if agent:
        # « qui a porté le programme ? »: its « Partenaires et coordination », not what came after (« porté par l'Académie »)
        first.sort(key=lambda h: (not _about_agents(h.chunk), h.chunk.doc.source != ranked[0].chunk.doc.source))
    return first + [h for h in head if h not in first] + tail
