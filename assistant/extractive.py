"""Extractive answers (no LLM): every line of the answer is a verbatim passage of a retrieved chunk,
followed by its [n]. Activity questions get the best session sheet laid out as a sheet; factual
questions get the few sentences that answer them, chosen for relevance and non-redundancy."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant import asked_fact, sub_questions
from assistant.lexical import analyze
from assistant.relevance import neutral_terms
from assistant.retrieve import Hit
from assistant.schema import Chunk, Citation
from assistant.sheet_steps import heading_minutes
from assistant.vocabulary import cycles_of, fold

if TYPE_CHECKING:
    from assistant.query import PupilNeed

ABSTAIN_TEXT = "Je n'ai pas trouvé de réponse dans les documents du programme."
# A closing » ends a sentence only after the sentence's own stop: « Prendre soin de soi » (enfants de 8 à 11 ans) is one.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…]»)|(?<=[.!?…] »))\s+(?=[«A-ZÀ-ÖØ-Þ0-9\"(])")
_TABLE_RULE = re.compile(r"^\|?[\s:|-]+\|?$")
_MIN_SENTENCE = 25
_MAX_SENTENCE = 450

# Session-sheet sections, recognised by their heading (accent- and case-insensitive).
SHEET_SECTIONS: list[tuple[str, str]] = [
    ("objectif", "Objectifs"),
    ("materiel", "Matériel"),
    ("deroulement", "Déroulement"),
    ("echange", "Temps d'échange et bilan"),
    ("bilan", "Temps d'échange et bilan"),
    ("variante", "Variantes et prolongements"),
    ("vigilance", "Points de vigilance"),
    ("posture", "Conseils de posture"),
]


@dataclass
class Citations:
    """Numbers passages in order of first use; one number per chunk, its snippet grows to cover every
    sentence cited from it (always a verbatim span of the chunk)."""

    items: list[Citation] = field(default_factory=list)
    _by_chunk: dict[str, int] = field(default_factory=dict)
    _spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    _chunks: dict[str, Chunk] = field(default_factory=dict)

    def cite(self, chunk: Chunk, passage: str | None = None) -> int:
        passage = passage if passage is not None else chunk.text
        start = chunk.text.find(passage)
        if start < 0:  # never cite what the chunk does not contain
            start, passage = 0, chunk.text
        end = start + len(passage)
        if chunk.id in self._by_chunk:
            n = self._by_chunk[chunk.id]
            s0, e0 = self._spans[chunk.id]
            self._spans[chunk.id] = (min(s0, start), max(e0, end))
        else:
            n = len(self.items) + 1
            self._by_chunk[chunk.id] = n
            self._spans[chunk.id] = (start, end)
            self._chunks[chunk.id] = chunk
            self.items.append(Citation(
                n=n, source=chunk.doc.source, title=chunk.doc.title, doc_type=chunk.doc.doc_type,
                locator=chunk.locator, snippet="", chunk_id=chunk.id, levels=chunk.doc.levels, page=chunk.page,
            ))
        return n

    def cite_all(self, chunk: Chunk, passages: list[str]) -> int:
        """`cite` each of `passages` (of one chunk: one number for all)."""
        return [self.cite(chunk, passage) for passage in passages][-1]

    def finish(self) -> list[Citation]:
        for cit in self.items:
            s, e = self._spans[cit.chunk_id]
            cit.snippet = self._chunks[cit.chunk_id].text[s:e]
        return self.items


def sentences(text: str) -> list[str]:
    """Sentences and list items of a chunk, as verbatim substrings."""
    return [sentence for sentence, _ in _units(text)]


def _quoted_together(line: str, parts: list[str]) -> list[str]:
    """The sentences of a line with a quotation kept whole: « Consigne : « Rangez les 25 mots en cinq familles.
    Chaque famille… » » is one sentence, not one opening a quote it never closes (within _MAX_SENTENCE characters:
    a stray « does not swallow the paragraph). Each part stays a verbatim substring of the line."""
    out: list[str] = []
    for part in parts:
        if out and out[-1].count("«") > out[-1].count("»"):
            start = line.find(out[-1])
            end = line.find(part, start + len(out[-1])) + len(part)
            if start >= 0 and end - start <= _MAX_SENTENCE:
                out[-1] = line[start:end]
                continue
        out.append(part)
    return out


def _units(text: str) -> list[tuple[str, bool]]:
    """The chunk's sentences, each with whether it belongs to a list item (its line opens with a
    bullet or a number: a long item may hold several sentences)."""
    out: list[tuple[str, bool]] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line or _TABLE_RULE.match(line):
            continue
        if line.startswith("|"):  # a table row is one unit
            out.append((line, False))
            continue
        parts = _quoted_together(line, [p.strip() for p in _SENTENCE_END.split(line) if p.strip()])
        # "6. Rester prudent…": a list item's number is not a sentence of its own.
        if len(parts) > 1 and _ITEM_NUMBER.fullmatch(parts[0]):
            parts[:2] = [line[: line.index(parts[1]) + len(parts[1])].strip()]
        item = bool(_LIST_ITEM.match(line))
        out.extend((part, item) for part in parts)
    return out


_ITEM_NUMBER = re.compile(r"(?:[-*•]\s*)?\d{1,2}[.)]")
# A list item's line: its indent (a sub-item's depth) and its bullet or number.
_LIST_ITEM = re.compile(r"(\s*)([-*•]|\d{1,2}[.)])\s")
# A window that reaches into a list (or ends on the sentence announcing one) shows the rest of the list,
# within this many more characters: « le tutorat reposait sur quatre rendez-vous : » then all four.
LIST_EXTRA = 700


def _announces(sentence: str) -> bool:
    return unmarked(sentence).rstrip(" *").endswith(":")


def _list_end(units: list[tuple[str, bool]], start: int, limit: int) -> int:
    """Where the run of list items from `start` ends, within `limit` characters."""
    end, size = start, 0
    while end < len(units) and units[end][1] and size + len(units[end][0]) <= limit:
        size += len(units[end][0])
        end += 1
    return end


def list_after(chunk: Chunk, sentence: str, limit: int = LIST_EXTRA) -> list[str]:
    """The list items that follow `sentence` in its chunk (when it announces a list), within `limit` characters."""
    units = _units(chunk.text)
    texts = [u for u, _ in units]
    if sentence not in texts or not _announces(sentence):
        return []
    start = texts.index(sentence) + 1
    return texts[start:_list_end(units, start, limit)]


def with_its_label(chunk: Chunk, sentence: str) -> str:
    """`sentence` (unmarked), preceded by the bold label of the list item or paragraph it continues: a
    sentence lifted from the middle of « - **« Prendre soin de soi »**, pour les 8-11 ans… Résultats publiés :
    86 %… » must not read as a figure of whatever the answer is about."""
    plain = unmarked(sentence)
    for line in chunk.text.split("\n"):
        line = unmarked(line.strip())
        if plain not in line or line.startswith(plain):
            continue
        label = bold_label(line)
        if label:
            return f"{label} […] {plain}"
    return plain


_BOLD_LABEL = re.compile(r"\*\*([^*]{2,80})\*\*")


def bold_label(line: str) -> str | None:
    """The bold label a line opens with (« - **« Prendre soin de soi »**, pour… » → « Prendre soin de soi »), if any."""
    label = _BOLD_LABEL.match(unmarked(line.strip()))
    return label.group(1).strip() if label else None


def unmarked(sentence: str) -> str:
    """Drop Markdown list markers and emphasis at the edges; the words stay verbatim."""
    return re.sub(r"^(?:[-*•]|\d+[.)])\s+", "", sentence).strip()


@dataclass
class Scored:
    sentence: str
    hit: Hit
    score: float
    terms: frozenset[str]


_FIGURE = re.compile(r"\d")
# "Combien…", "quel pourcentage…", "en quelle année…": the answer is a figure.
_ASKS_FIGURE = re.compile(r"\b(combien|nombre|pourcentage|proportion|taux|quelle annee|en quelle annee|depuis quand|quelle date|a quelle date|part des?)\b")


# A sentence saying that what a figure would give does not exist or is not known.
_STATES_NONE = re.compile(r"\b(?:il n'existe pas|il n'y a pas de|n'existe aucun\w*|aucune? (?:\w+ ){0,3}officiel\w*"
                          r"|ne (?:precisent|precise|donnent|donne|mentionnent|indiquent|fixent|fixe) pas"
                          r"|(?:n'est|ne sont) pas (?:disponibles?|connue?s?|precisee?s?))\b")


def asks_figure(question: str) -> bool:
    """The question asks for a number, a share or a date."""
    return bool(_ASKS_FIGURE.search(fold(question)))


def gives_the_kind(question: str) -> Callable[[str], bool] | None:
    """For a question asking who, where, for which classes or how often, the test a sentence passes when it holds that
    kind of answer (a name the question does not hold, a place, a class or an age, an interval); None for other
    questions. « C'était pour quel âge ? » is answered by the line naming the ages, « qui l'a créé ? » by the one
    naming its creator."""
    if asked_fact.asks_frequency(question):
        # « tous les combien ? » is answered by the interval (« toutes les deux à trois semaines »)
        return lambda sentence: asked_fact.states_frequency(sentence, interval=True)
    if sub_questions.asks_outcome(question):
        # « quels résultats a donné l'évaluation ? » by what it concluded, not by how it was led
        return sub_questions.states_outcome
    kind = sub_questions.kind_asked(question)
    if kind not in ("who", "where", "level"):
        return None
    asked = sub_questions.SubQuestion(question, frozenset(), kind, question)
    return lambda sentence: sub_questions.gives(asked, sentence)


def select_sentences(query_terms: list[str], hits: list[Hit], idf: Callable[[str], float], limit: int = 5,
                     min_overlap: float = 0.0, focus_terms: frozenset[str] = frozenset(), figure: bool = False,
                     bullets: bool = False, floor: float = 0.45, fits: Callable[[str], bool] | None = None) -> list[Scored]:
    """Sentences that carry the query's rare words, from the best passages, without repeats (MMR-like), down to
    `floor` times the best one's score.
    `focus_terms` (the words of a follow-up itself) weigh double against the carried context; with
    `figure` (a "combien…" question), sentences that hold a number are preferred, and so are those that pass `fits`
    (`gives_the_kind`: a name for « qui… ? »); with `bullets`, only
    sentences that can stand as a bullet of their own (`_stands_alone`)."""
    weights = {t: max(idf(t), 0.1) * (2.0 if t in focus_terms else 1.0) for t in set(query_terms)}
    total = sum(weights.values()) or 1.0
    top_score = max((h.score for h in hits), default=1.0) or 1.0
    pool: list[Scored] = []
    for rank, hit in enumerate(hits):
        header_terms = set(analyze(hit.chunk.context_header))
        # « Combien de passages pendant le forum ? »: « Prévoir quatre à six passages. » under the step « Le forum »
        # says it; the section's own heading (not the document's title, shared by every sentence) counts for the bar.
        section_terms = set(analyze(" ".join(hit.chunk.heading_path)))
        for sent in sentences(hit.chunk.text):
            plain = unmarked(sent)
            if len(plain) < _MIN_SENTENCE or len(plain) > _MAX_SENTENCE:
                continue
            terms = frozenset(analyze(plain))
            overlap = sum(w for t, w in weights.items() if t in terms) / total
            context = sum(w for t, w in weights.items() if t in header_terms and t not in terms) / total
            prior = max(hit.score, 0.0) / top_score
            in_section = sum(w for t, w in weights.items() if t in section_terms and t not in terms) / total
            if overlap + in_section < min_overlap or (bullets and not _stands_alone(plain, hit.chunk)):
                continue
            score = 0.55 * overlap + 0.1 * context + 0.35 * prior - 0.02 * rank
            if (figure and _FIGURE.search(plain)) or (fits is not None and fits(plain)):
                score += 0.15
            if figure and overlap > 0 and _STATES_NONE.search(fold(plain)):
                # « combien d'heures sont obligatoires ? »: « Il n'existe pas… de nombre de séances "officiel" » before
                # the figures of two regional programmes, which would read as the rule
                score += 0.3
            pool.append(Scored(sent, hit, score, terms))
    pool.sort(key=lambda s: -s.score)
    chosen: list[Scored] = []
    for cand in pool:
        if len(chosen) == limit:
            break
        if any(_jaccard(cand.terms, c.terms) > 0.5 for c in chosen):
            continue
        if chosen and cand.score < floor * chosen[0].score:
            break
        chosen.append(cand)
    return chosen


def sub_answers(subs: list[sub_questions.SubQuestion], message_terms: list[str], passages: list[Hit],
                idf: Callable[[str], float], shown: set[str], within: int = 6) -> list[tuple[sub_questions.SubQuestion, Scored]]:
    """For each question of a message that what is `shown` does not answer yet, the sentence that answers it: the
    first question only when it asks a kind of answer (« il faut combien d'adultes, et… ? »), since the opening
    follows its words. A question asking for a kind of answer (a date, a count, classes, someone, a place) and
    naming something of its own gets the best sentence of the first `within` passages that gives one and carries
    one of its words; another question, a sentence of the best passage carrying its own words (« y a un chiffre
    officiel ? ») or giving the kind it asks (« et c'était pour quelles classes ? »): a single word found in another
    passage is too often a coincidence (« je dois l'obliger ? » → « …a obligé l'équipe… »)."""
    found: list[tuple[sub_questions.SubQuestion, Scored]] = []
    if not subs:
        return found  # a single question: the document's topic words are not read (every factual answer comes here)
    taken = set(shown)
    topic = _topic_terms(passages)

    # A count of something named (« combien d'écoles y participent ? ») is bound to its noun: « | Écoles | 91 | » gives it
    # without the question's other words.
    counts_named = {sub.text for sub in subs if sub.kind == "count" and asked_fact.read_question(sub.text).counted}

    def answers(own_terms: frozenset[str], sub: sub_questions.SubQuestion, sentence: str, terms: frozenset[str]) -> bool:
        return (_shares_a_word(terms, own_terms) or (sub.kind is not None and not own_terms) or sub.text in counts_named) \
            and sub_questions.gives(sub, unmarked(sentence))

    for at, sub in enumerate(subs):
        if at == 0 and sub.kind is None:
            continue  # the opening answers the first question, unless it asks a kind of answer the opening lacks
        # A question's own words are those that do not name what the whole document is about (« médiation »,
        # « évaluation »): those match every sentence of it.
        own = sub.terms - topic
        if not own and sub.kind is None:
            continue
        # Already answered by the opening (or an earlier question's sentence): a line of it carrying the question's
        # own words and giving its kind, or, for a kind other than someone's name (names are everywhere), giving
        # the kind alone (« …pour les enfants de 7 à 12 ans » answers « c'était pour quel âge ? »).
        if any(answers(own, sub, s, frozenset(analyze(unmarked(s))))
               or (sub.kind not in (None, "who") and sub_questions.gives(sub, unmarked(s))) for s in taken):
            continue
        # The sentence that answers « pour quelles classes ? » may share no word with the message: the pool goes
        # down to every sentence of the passages, in the order of their words and their passage's rank.
        searched = passages[:within if sub.kind and own else 1]
        if sub.text in counts_named and passages:
            # « et combien d'écoles ? »: a count of something named is sought in every passage of the best document too
            # (its « Chiffres clés » may rank far from a message about who ran the programme), as for an opening
            searched = searched + [h for h in passages[within:] if h.chunk.doc.source == passages[0].chunk.doc.source]
        pool = select_sentences(message_terms + sorted(own), searched, idf, limit=40,
                                focus_terms=own, figure=sub.kind in ("date", "count", "duration", "percent"), floor=0.0)
        item = next((c for c in pool if answers(own, sub, c.sentence, c.terms) and not is_question(c.sentence)), None)
        if sub.kind == "who":
            # « qui le porte ? »: a line of a section named for who did what (« Partenaires et coordination ») saying so,
            # whatever its verb (« engagés », « coordination »), before a passing « porté par » in what came after
            item = next((c for c in pool if any(sub_questions.names_agency(h) for h in c.hit.chunk.heading_path)
                         and sub_questions.gives(sub, unmarked(c.sentence)) and not is_question(c.sentence)), item)
        # The sentence that answers it already shown (the opening's « Engagés pendant trois ans : l'ARS… » for « qui
        # finance ce dispositif ? »): answered, not quoted twice.
        if item is not None and item.sentence not in taken:
            found.append((sub, item))
            taken.add(item.sentence)
    return found


def _row_as_line(sentence: str) -> str:
    """A table row quoted alone (« | Écoles | **91** | ARS | ») as a line: « Écoles : **91** ; ARS »; other sentences as they are."""
    if not (sentence.startswith("|") and sentence.rstrip().endswith("|")):
        return sentence
    cells = asked_fact.table_cells(sentence)
    return f"{cells[0]} : {' ; '.join(c for c in cells[1:] if c)}" if len(cells) > 1 else cells[0]


def _shares_a_word(terms: frozenset[str], own: frozenset[str]) -> bool:
    """A term in common, or one the stem of the other (« formés » → form, « formation » → format)."""
    return bool(terms & own) or any(len(o) >= 4 and len(t) >= 4 and (t.startswith(o) or o.startswith(t)) for o in own for t in terms)


def _topic_terms(passages: list[Hit], share: float = 0.4) -> frozenset[str]:
    """The words of the first passage's document title, and those found in at least `share` of its passages."""
    if not passages:
        return frozenset()
    doc = passages[0].chunk.doc
    chunks = [h.chunk for h in passages if h.chunk.doc.source == doc.source]
    counts: dict[str, int] = {}
    for chunk in chunks:
        for term in set(analyze(chunk.text)):
            counts[term] = counts.get(term, 0) + 1
    return frozenset(analyze(doc.title)) | {t for t, n in counts.items() if n >= share * len(chunks)}


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def factual_answer(query_terms: list[str], hits: list[Hit], idf: Callable[[str], float], cites: Citations,
                   more: int = 3, focus_terms: frozenset[str] = frozenset(), intro: Chunk | None = None,
                   next_chunk: Callable[[Chunk], Chunk | None] | None = None, figure: bool = False,
                   fits: Callable[[str], bool] | None = None,
                   passages: list[Hit] | None = None, subs: list[sub_questions.SubQuestion] | None = None,
                   doc_chunks: Callable[[str], list[Chunk]] | None = None) -> str:
    """The passage that answers best, shown whole (or its best window), then a second passage, then a
    few sentences from other passages that add to it. Every line is verbatim and cited.

    `passages` are the passages of the best documents ranked for the question (assistant/passages.py):
    the first is shown, then the next one. Without them, the passage comes from the two best-ranked
    hits. When the best sentence is a question (an interview, a FAQ), what follows is the answer: the
    window reads forward, on into the next passage of the document (`next_chunk`) when the question
    closes this one; a passage that ends announcing a list (':') is followed by that list. `subs`, the questions
    of a message asking several things: each one the passage does not answer gets its sentence after it (sub_answers).
    With `doc_chunks` (a document's passages by source), a table the passage shown holds part of is shown whole."""
    if passages:
        best = passages[0].chunk
        lead = select_sentences(query_terms, [Hit(best, 1.0)], idf, limit=1, focus_terms=focus_terms, figure=figure,
                                fits=fits)
        anchor = lead[0].sentence if lead else next(iter(sentences(best.text)), "")
    else:
        lead = select_sentences(query_terms, hits[:2], idf, limit=1, focus_terms=focus_terms, figure=figure, fits=fits)
        if not lead:
            return ""
        best, anchor = lead[0].hit.chunk, lead[0].sentence
    if not anchor:
        return ""
    lines: list[str] = []
    if passages and intro is not None and intro.id not in {h.chunk.id for h in passages[:INTRO_WITHIN]}:
        intro = None  # the question asks about one section of the document, not what the document is
    if intro is not None and intro.doc.source == best.doc.source and intro.id != best.id:
        # "Qu'est-ce que… ?": the document's own introduction first; the best passage follows.
        best, anchor, hits = intro, sentences(intro.text)[0], [Hit(best, 1.0)] + hits
        passages = [Hit(intro, 1.0)] + passages if passages else None
    elif lead and lead[0].terms & set(query_terms) and states_an_answer(anchor) and not _DEMONSTRATIVE.search(unmarked(anchor)):
        # The answer first: the sentence that answers, then the passage it comes from. Only a sentence that carries
        # one of the question's words: one chosen for its figure alone (« En quelle année… combien d'écoles ? ») was
        # a slide's notice « Synthèse rédigée… le 14 décembre 2021… : ce n'est pas le diaporama officiel ».
        lines += [f"{_shorten(with_its_label(best, anchor), 400)} [{cites.cite(best, anchor)}]", ""]
    window = passage_window(best, anchor, budget=LEAD_BUDGET, forward=awaits_answer(best, anchor))
    quoted = window
    if lines and passages and window == [anchor]:
        lines = []  # the passage is that one sentence: quoted once, below its source
    elif lines and passages and window[:1] == [anchor] and len(unmarked(anchor)) <= 400:
        # The passage opens with the sentence already shown first: it is not repeated, and the room it
        # leaves goes to what follows it (a list, the rest of the explanation).
        window = passage_window(best, anchor, budget=LEAD_BUDGET + len(anchor), forward=True)
        quoted = window[1:]
    if lines and anchor in quoted[1:]:
        quoted = [w for w in quoted if w != anchor]  # shown first already: not a second time inside its passage
    lines += [f"D'après **{best.doc.title}**" + (f" ({best.locator})" if best.locator else "") + " :", ""]
    table = any(w.startswith("|") for w in quoted)
    whole = section_table(best, doc_chunks(best.doc.source)) if table and doc_chunks is not None else []
    lines += _table_block(best, quoted, cites, whole)[1:] if table else _quote(best, quoted, cites)
    shown = set(window)
    shown_chunks = {best.id} | {c.id for c, _ in whole}
    items = sentences(best.text)
    # A question with at most one sentence after it in its passage is answered in the next passage;
    # a window that ends on the passage's last line announcing a list (':') is followed by the list.
    closes = _closes_on_a_question(best, anchor)
    to_the_end = bool(window) and bool(items) and window[-1] == items[-1]
    announces = to_the_end and _announces(items[-1])
    follow = next_chunk(best) if next_chunk is not None and (closes or to_the_end) else None
    # A passage shown to its end whose section goes on in the next passage (a long section cut in two: « Deux
    # précisions sont indispensables. » opens the second half) is followed by that half too, and the second
    # passage still comes after it.
    continues = follow is not None and not (closes or announces) and bool(best.locator) and follow.locator == best.locator
    # A passage whose rows the whole table above already shows is not quoted again as what follows.
    if not (closes or announces or continues) or (follow is not None and follow.id in shown_chunks):
        follow = None
    if follow is not None:
        lines += _the_rest(follow, best, cites, shown, shown_chunks)
    for sub, item in sub_answers(subs or [], query_terms, passages or hits, idf, shown):
        lines += ["", f"Sur « {sub.text} ? » :", "", f"> {_shorten(with_its_label(item.hit.chunk, _row_as_line(item.sentence)), 400)} "
                  f"[{cites.cite(item.hit.chunk, item.sentence)}]"]
        shown.add(item.sentence)
        for listed in list_after(item.hit.chunk, item.sentence):
            if listed not in shown:
                shown.add(listed)
                lines.append(f"> - {_shorten(unmarked(listed), 200)} [{cites.cite(item.hit.chunk, listed)}]")
    # Otherwise a second passage: with ranked passages, the next one of the best documents; else of the
    # same document when retrieval ranks one high too (answers often span two neighbouring sections: a
    # list and its explanation, a finding and its figures), else the best one of the next document.
    if passages:
        second = None if follow is not None and not continues else next(
            (h.chunk for h in passages[1:] if h.chunk.id not in shown_chunks and not only_a_title(h.chunk)), None)
    else:
        second = None if follow is not None and not continues else next(
            (h.chunk for h in hits[:3] if h.chunk.doc.source == best.doc.source and h.chunk.id not in shown_chunks),
            next((h.chunk for h in hits[:3] if h.chunk.doc.source != best.doc.source), None))
    if second is not None:
        lead2 = select_sentences(query_terms, [Hit(second, 1.0)], idf, limit=1, focus_terms=focus_terms)
        anchor2 = lead2[0].sentence if lead2 else sentences(second.text)[0]
        window2 = passage_window(second, anchor2, budget=450, forward=awaits_answer(second, anchor2))
        # a sentence already shown for one of the message's questions is not quoted twice
        window2 = [w for w in window2 if w not in shown] or window2
        table = any(w.startswith("|") for w in window2)
        if passages or not table:
            same = second.doc.source == best.doc.source
            heading = (f"Plus loin ({second.locator or best.doc.title}) :" if same else
                       f"D'après **{second.doc.title}**" + (f" ({second.locator})" if second.locator else "") + " :")
            lines += ["", heading] + (_table_block(second, window2, cites) if table else [""] + _quote(second, window2, cites))
            shown |= set(window2)
            shown_chunks.add(second.id)
            # An interviewer's question that closes this passage too (« Concrètement, qu'est-ce que vous cherchez à
            # transmettre à un enseignant ? ») is answered by the next turn, in the next passage.
            answer = next_chunk(second) if next_chunk is not None and _closes_on_a_question(second, anchor2) else None
            if answer is not None and answer.id not in shown_chunks:
                lines += _the_rest(answer, second, cites, shown, shown_chunks)
    # The other sentences come from the best documents' next passages too, not only from retrieval's hits.
    extra = [h for h in (passages or [])[:OTHER_PASSAGES] if h.chunk.id not in shown_chunks]
    sources = extra + [h for h in hits if h.chunk.id not in {e.chunk.id for e in extra}]
    others = [c for c in select_sentences(query_terms, sources, idf, limit=more + 3, focus_terms=focus_terms, figure=figure,
                                                bullets=True, fits=fits)
              if c.hit.chunk.id != best.id and c.sentence not in shown and not is_question(c.sentence)
              and not _riddle(c.hit.chunk, c.sentence) and not only_a_title(c.hit.chunk)][:more]
    # A list shown under the sentence announcing it is not repeated as bullets of its own.
    under = {listed for item in others for listed in list_after(item.hit.chunk, item.sentence)}
    others = [item for item in others if item.sentence not in under]
    if others:
        lines += ["", "Dans les documents, également :", ""]
        for item in others:
            lines.append(f"- {_shorten(with_its_label(item.hit.chunk, item.sentence), 320)} [{cites.cite(item.hit.chunk, item.sentence)}]")
            # A sentence announcing a list is followed by the list, never left hanging on its colon.
            for listed in list_after(item.hit.chunk, item.sentence):
                if listed not in shown:
                    shown.add(listed)
                    lines.append(f"  - {_shorten(unmarked(listed), 200)} [{cites.cite(item.hit.chunk, listed)}]")
    return "\n".join(lines)


def _closes_on_a_question(chunk: Chunk, anchor: str) -> bool:
    """Whether `anchor` is a question (an interview, a FAQ) with at most one sentence after it in its passage: the
    answer is in the next passage."""
    items = sentences(chunk.text)
    return awaits_answer(chunk, anchor) and anchor in items and len(items) - items.index(anchor) <= 2


def _the_rest(follow: Chunk, shown_before: Chunk, cites: Citations, shown: set[str], shown_chunks: set[str]) -> list[str]:
    """The lines quoting the passage that follows one shown (« La suite (02:12) : »), from its start; the sentences and
    the passage are added to `shown` and `shown_chunks`."""
    window = passage_window(follow, sentences(follow.text)[0], budget=450, forward=True)
    shown |= set(window)
    shown_chunks.add(follow.id)
    return ["", f"La suite ({follow.locator or shown_before.doc.title}) :", ""] + _quote(follow, window, cites)


def only_a_title(chunk: Chunk) -> bool:
    """A passage that says nothing beyond its document's title or its heading (a title slide): quoted, it repeats
    the source line above it."""
    said = fold(unmarked(chunk.text)).replace("*", "").strip(" .:")
    return not said or any(said == fold(t).replace("*", "").strip(" .:") for t in (chunk.doc.title, *chunk.heading_path))


def fiction_notice(doc_chunks: list[Chunk], cites: Citations) -> str:
    """A narrative written for the library (`illustrative`, neither a session sheet nor a guide) opens with a notice in italics
    saying its people and places are invented: quoted, cited, so that a story is not taken for a report."""
    if not doc_chunks or not doc_chunks[0].doc.illustrative or doc_chunks[0].doc.doc_type in ("seance", "guide"):
        return ""
    for chunk in doc_chunks[:2]:
        for line in chunk.text.split("\n"):
            plain = line.strip()
            if _is_notice(plain, chunk) and len(plain) > 40:
                return f"{plain} [{cites.cite(chunk, plain)}]"
    return ""


def _is_notice(plain: str, chunk: Chunk) -> bool:
    """A document's notice: a line in italics before its first section (« *Ce document est une synthèse…* »)."""
    return plain.startswith("*") and not plain.startswith("**") and not chunk.heading_path


def _stands_alone(plain: str, chunk: Chunk) -> bool:
    """A sentence that can be a bullet of its own: not a table row (meaningless without its header), not a
    document's notice in italics before its first section (« *Ce document est une synthèse…* »)."""
    plain = plain.lstrip()
    return not plain.startswith("|") and not _is_notice(plain, chunk)


# Characters of the best passage shown around its answering sentence.
LEAD_BUDGET = 650
# Ranked passages whose sentences may complete the answer ("Dans les documents, également").
OTHER_PASSAGES = 6
# "Qu'est-ce que… ?" opens with the document's introduction only when it ranks among these first passages.
INTRO_WITHIN = 6


# A sentence opening on a pronoun or a link word leans on the one before it (« Il est né pour… »): alone
# at the top of an answer it reads as a riddle. Impersonal « il » (« il faut », « il y a ») stands alone; « C'est là
# que se jouent beaucoup de conflits » does not say where.
_LEANS_ON_CONTEXT = re.compile(r"(?:c['’]est (?:là|pourquoi|ce qui|ce que|ainsi|alors)"
                               r"|(?:pour|dans|à|a|de|sur|avec|après|apres|avant|par|lors de|pendant) (?:cette|cet|ces|ce)"
                               r"|elles?|ils|ce|cette|cet|cela|ceci|ça|celui|celle|ceux|celles|ces|leurs?|eux|lui|chacune?|mais|et|donc|ainsi|aussi"
                               r"|ou|or|car|puis|pourtant|cependant|toutefois|néanmoins|en revanche|de plus|par ailleurs|d'ailleurs"
                               r"|il (?!y a|faut|est (?:important|nécessaire|possible|conseillé|recommandé|utile|essentiel|préférable|indispensable)))\b",
                               re.IGNORECASE)


def lead_passage(query_terms: list[str], chunk: Chunk, idf: Callable[[str], float], cites: Citations,
                 budget: int = LEAD_BUDGET) -> list[str]:
    """One passage shown on its own: its source, then its sentences around the one that carries the
    query's words (`passage_window`), as a cited quote or table."""
    lead = select_sentences(query_terms, [Hit(chunk, 1.0)], idf, limit=1)
    anchor = lead[0].sentence if lead else next(iter(sentences(chunk.text)), "")
    window = passage_window(chunk, anchor, budget=budget, forward=awaits_answer(chunk, anchor))
    heading = f"D'après **{chunk.doc.title}**" + (f" ({chunk.locator})" if chunk.locator else "") + " :"
    if any(w.startswith("|") for w in window):
        return [heading] + _table_block(chunk, window, cites)
    return [heading, ""] + _quote(chunk, window, cites)


def _riddle(chunk: Chunk, sentence: str) -> bool:
    """A sentence that, lifted alone, leans on one before it (« il figure parmi les facteurs… ») with no label to
    say what it is about."""
    plain = unmarked(sentence)
    return _leans_on_context(plain) and with_its_label(chunk, sentence) == plain


# « Il est préférable de les construire avec les élèves » (the rules, named in the sentence before): an impersonal
# opening whose object is a pronoun leans on the sentence before all the same.
_IMPERSONAL_PRONOUN = re.compile(r"il (?:faut|est \w+ (?:de |d'|à )) ?(?:les|leur|lui|y|en|le|la|l')(?:\b|(?<='))", re.IGNORECASE)


# « La présentation fait démarrer cette période en 2001… »: shown first, out of its passage, a sentence naming what it
# is about by a demonstrative does not say which (a period the sentence before named).
_DEMONSTRATIVE = re.compile(r"\b(?:cette|cet|ces)\s+\w+", re.IGNORECASE)


# « Le document « … » est, lui, bien hébergé… »: a subject set against the one the sentence before spoke of.
# « La présentation… évoque pour sa part… » likewise.
_CONTRASTED = re.compile(r"^[^.;:]{0,160}?(?:, (?:lui|elle|eux|elles)(?: aussi| non plus)?, |\bpour (?:sa|leur) part\b)",
                         re.IGNORECASE)


def _leans_on_context(plain: str) -> bool:
    """Opens on a word that points at a sentence before it (« Ou, plus subtil… », « il figure parmi… », « Chacun est
    ensuite devenu… », « Il est préférable de les construire… »), or sets its subject against that sentence's (« Le
    document…, lui, … »)."""
    plain = plain.lstrip("*«\"' ")
    return bool(_LEANS_ON_CONTEXT.match(plain) or _IMPERSONAL_PRONOUN.match(plain) or _CONTRASTED.match(plain))


def states_an_answer(sentence: str) -> bool:
    """A sentence that can open an answer on its own: it states something (not a question, not a
    lead-in to a list ending in ':', not a table row, not leaning on a previous sentence) and is long
    enough to mean something."""
    plain = unmarked(sentence).rstrip()
    # An item of a list ending in « ; » or opening in lower case continues the sentence that announced the list.
    return ("?" not in plain and not plain.endswith((":", ";")) and not plain.startswith("|") and len(plain) >= 40
            and not plain.lstrip("*«\"' ")[:1].islower() and not _leans_on_context(plain))


def _quote(chunk: Chunk, window: list[str], cites: Citations) -> list[str]:
    """The window as a Markdown quote, one line per line of the source with its marker: the sentences of one
    paragraph or list item stay together (« - **« Prendre soin de soi »**, pour les 8-11 ans… Résultats publiés :
    86 %… » on a line of its own would read as a figure of whatever the answer is about)."""
    lines = chunk.text.split("\n")
    groups: list[tuple[int, list[str]]] = []
    for sentence in window:
        at = next((i for i, line in enumerate(lines) if sentence in line), -1)
        if groups and at >= 0 and groups[-1][0] == at:
            groups[-1][1].append(sentence)
        else:
            groups.append((at, [sentence]))
    out = []
    for at, group in groups:
        # A list item stays a list item, at its depth: « « Prendre soin de soi »… Résultats publiés… » read as a
        # sub-item of « Nouveaux programmes ARS / IREPS », not as a statement about whatever the quote is about.
        item = _LIST_ITEM.match(lines[at]) if at >= 0 else None
        marker = ("  " * (len(item.group(1).expandtabs(2)) // 2) + ("-" if item.group(2) in "-*•" else item.group(2)) + " "
                  if item else "")
        out.append(f"> {marker}{' '.join(unmarked(s) for s in group)} [{cites.cite_all(chunk, group)}]  ")
    return out


def _depth(text: str, unit: str) -> int:
    """How far the list item holding `unit` is indented (0 outside a list or at its first level)."""
    line = next((line for line in text.split("\n") if unit in line), "")
    item = _LIST_ITEM.match(line)
    return len(item.group(1).expandtabs(2)) if item else 0


def is_question(sentence: str) -> bool:
    """A sentence that asks rather than tells (an interviewer's question, a FAQ entry)."""
    return sentence.rstrip(" »\"*)").endswith("?")


def awaits_answer(chunk: Chunk, sentence: str) -> bool:
    """A question the next lines answer (an interviewer's turn, a FAQ entry): not one asked within a list item
    (« 1. Viser l'autonomie… Un formateur peut se demander : que saura faire l'enseignant seul ? »), which the
    item itself answers."""
    if not is_question(sentence) or any(item for unit, item in _units(chunk.text) if unit == sentence):
        return False
    # Nor one followed by more of the same turn (« Je suis toujours le même ordre. D'abord : comment vous êtes-vous
    # sentis ? … Et pour finir : à quel moment… ? Cette dernière question est la plus importante. »): the questions
    # someone lists are their answer, read from the turn's start. A turn that ends on its question awaits the next.
    said = sentence.strip()
    lines = [line.strip().rstrip(" *") for line in chunk.text.split("\n") if said in line]
    return not lines or any(line.endswith(said.rstrip(" *")) for line in lines)


def _table_header(chunk: Chunk) -> list[str]:
    """The header row and rule of the Markdown table a chunk holds ([] without one)."""
    table = [ln.strip() for ln in chunk.text.split("\n") if ln.strip().startswith("|")]
    return table[:2] if len(table) > 1 and _TABLE_RULE.match(table[1]) else []


# A table cut over several passages is shown whole up to this many rows, after at most this many characters of the
# prose that introduces it.
TABLE_ROWS = 16
TABLE_INTRO = 500


def section_table(chunk: Chunk, doc_chunks: list[Chunk], max_rows: int = TABLE_ROWS) -> list[tuple[Chunk, str]]:
    """Every row of the table `chunk` holds, with the passage each comes from, when the chunker cut the table over
    neighbouring passages of one section (each repeating its header): a progression asked for is the whole table,
    not the row the question's words fell on. [] without a table, or when it is longer than `max_rows`."""
    header = _table_header(chunk)
    ids = [c.id for c in doc_chunks]
    if not header or chunk.id not in ids:
        return []
    same = [c.heading_path == chunk.heading_path and _table_header(c)[:1] == header[:1] for c in doc_chunks]
    lo = hi = ids.index(chunk.id)
    while lo > 0 and same[lo - 1]:
        lo -= 1
    while hi + 1 < len(doc_chunks) and same[hi + 1]:
        hi += 1
    rows = [(c, ln.strip()) for c in doc_chunks[lo:hi + 1] for ln in c.text.split("\n")
            if ln.strip().startswith("|") and ln.strip() not in header]
    return rows if len(rows) <= max_rows else []


def _table_block(chunk: Chunk, window: list[str], cites: Citations,
                 whole: list[tuple[Chunk, str]] | None = None) -> list[str]:
    """A Markdown table shown as a table: its header and rule first, the cited rows after (`whole`: every row of
    the table, from the passages it spans), the markers on a line of their own (a marker inside a row would add a
    column)."""
    header = _table_header(chunk)
    first_row = next((i for i, w in enumerate(window) if w.startswith("|")), len(window))
    # Prose keeps its place: what introduces the table above it, what comments on it below.
    before = [f"{unmarked(w)} [{cites.cite(chunk, w)}]" for w in window[:first_row] if not w.startswith("|")]
    if whole and whole[0][0].id != chunk.id:
        # The table starts in an earlier passage: the prose that introduces it there comes first.
        first, lead = whole[0][0], []
        for unit in sentences(first.text.split("\n|", 1)[0] if not first.text.startswith("|") else ""):
            if sum(len(u) for u in lead) + len(unit) > TABLE_INTRO:
                break
            lead.append(unit)
        before = [f"{unmarked(w)} [{cites.cite(first, w)}]" for w in lead] + before
    cited = whole or [(chunk, w) for w in window if w.startswith("|") and w not in header]
    marks = list(dict.fromkeys(cites.cite(c, row) for c, row in cited))
    rows = [row for _, row in cited]
    after = [f"{unmarked(w)} [{cites.cite(chunk, w)}]" for w in window[first_row:] if not w.startswith("|")]
    out = [""] + before + ([""] if before and rows else [])
    source = "de la source" if len(marks) == 1 else "des sources"
    out += header + rows + ["", f"(tableau extrait {source} {', '.join(f'[{n}]' for n in marks)})"] if rows else []
    return out + ([""] + after if after and rows else after)


def passage_window(chunk: Chunk, anchor: str, budget: int = 650, forward: bool = False) -> list[str]:
    """The chunk's sentences around the anchor sentence, within about `budget` characters: the whole
    chunk when it is short, since lists and definitions lose their sense when cut. `forward` reads on
    from the anchor only (after a question, what follows is the answer)."""
    units = _units(chunk.text)
    if len(units) > 1 and units[0][0][:1].islower() and anchor != units[0][0]:
        units = units[1:]  # the tail of a sentence the previous passage holds (chunks overlap)
    items = [u for u, _ in units]
    i = items.index(anchor) if anchor in items else 0
    if forward:
        units, items = units[i:], items[i:]
        i = 0
    if sum(len(x) for x in items) <= budget:
        return items
    lo, hi = i, i + 1
    size = len(items[i])
    # The sentence before grows the window first: what the anchor builds on (« Il n'existe pas de nombre de séances
    # « officiel ». » before « Deux repères régionaux… ») reads before what follows it (fresh3 key facts +1, the
    # other splits unchanged).
    while True:
        grew = False
        if lo > 0 and size + len(items[lo - 1]) <= budget:
            lo -= 1
            size += len(items[lo])
            grew = True
        if hi < len(items) and size + len(items[hi]) <= budget:
            size += len(items[hi])
            hi += 1
            grew = True
        if not grew:
            break
    # Never open on a sentence that leans on the one before it (« Elles correspondent probablement à… » after the
    # list of rubrics it speaks of), even past the budget.
    for _ in range(2):
        if lo > 0 and _leans_on_context(unmarked(items[lo])):
            lo -= 1
    # Nor in the middle of a list item: « Résultats publiés : 86 %… » is shown with the « Prendre soin de soi » it
    # belongs to; and a sub-item comes with the item it belongs to (« Nouveaux programmes ARS / IREPS… : »).
    lo = _item_start(units, lo)
    depth = _depth(chunk.text, items[lo])
    if depth and lo > 0:
        parent = next((j for j in range(lo - 1, -1, -1) if _depth(chunk.text, items[j]) < depth), None)
        if parent is not None:
            lo = _item_start(units, parent)
    # A list the window reaches into is shown to its end, not cut after its third item.
    if hi < len(items) and (units[hi - 1][1] or _announces(items[hi - 1])):
        hi = _list_end(units, hi, LIST_EXTRA)
    return items[lo:hi]


def _item_start(units: list[tuple[str, bool]], i: int) -> int:
    """The first unit of the list item holding unit `i` (`i` itself outside a list)."""
    while i > 0 and units[i][1] and not _LIST_ITEM.match(units[i][0]):
        i -= 1
    return i


def section_label(chunk: Chunk) -> str | None:
    """The session-sheet section a passage belongs to (SHEET_SECTIONS: « Points de vigilance »…), read from its first
    heading; None outside them."""
    if not chunk.heading_path:
        return None
    head = fold(chunk.heading_path[0])
    for needle, label in SHEET_SECTIONS:
        if needle in head:
            return label
    return None


def describe_levels(levels: tuple[str, ...]) -> str:
    if not levels:
        return ""
    cycles = cycles_of(list(levels))
    return ", ".join(levels) + (f" (cycle {', '.join(str(c) for c in cycles)})" if cycles else "")


def sheet_answer(doc_chunks: list[Chunk], cites: Citations, focus: set[str] | None = None,
                 query_terms: list[str] | None = None, idf: Callable[[str], float] | None = None,
                 name_the_rest: bool = True, priors: dict[str, float] | None = None, step: int | None = None,
                 levels: tuple[str, ...] = (), needs: tuple[PupilNeed, ...] = ()) -> str:
    """A session sheet laid out as a sheet: header, what answers the question itself, objectives,
    materials, steps with timings, debrief. `focus` restricts the sections shown (a question asking only for
    the duration or the materials): they then come first, before what answers the question's words;
    `name_the_rest` ends with the sections left out. `priors` (passage id → score, passages.rank_passages)
    weigh the sentences that answer by how well their passage answers, by meaning as well as by words. A `step`
    asked by its number (query.asked_step; -1 for the last) is shown whole, alone after the header. The sheet's
    lines for one of the classes asked (`levels`: « - PS : raccourcir le voyage… » among its variants) come first, then
    those for the pupils' particular needs the request names (`needs`, query.pupil_needs)."""
    if not doc_chunks:
        return ""
    doc = doc_chunks[0].doc
    intro, sections = _by_section(doc_chunks)

    out = [f"### {doc.title}"]
    header_chunk = intro[0] if intro else doc_chunks[0]
    header = _header_lines(header_chunk, setting=True)
    if header:
        # The sheet's own lines (competence, level, duration, group and space), verbatim and cited.
        for line in header:
            out.append(f"{unmarked(line)} [{cites.cite(header_chunk, line)}]  ")
    elif doc.levels or doc.duration:
        facts = [f"Niveau : {describe_levels(doc.levels)}"] if doc.levels else []
        facts += [f"Durée : {doc.duration}"] if doc.duration else []
        out.append(" · ".join(facts))
    numbered = _numbered_step(sections.get("Déroulement", []), step) if step is not None else []
    if numbered:
        # « et l'étape 3 ? »: that step, every line of it, not the whole sheet again.
        out += ["\n**Pour votre question**", f"**{numbered[0].heading_path[-1]}**"]
        out += [f"{'  ' if sub else ''}- {unmarked(line)} [{cites.cite(chunk, line)}]"
                for chunk in numbered for line, sub in _section_lines(chunk, "Étape")]
        if name_the_rest:
            out.append(_also_contains([label for label in dict.fromkeys(lbl for _, lbl in SHEET_SECTIONS) if label in sections]))
        return "\n".join(out)
    shown: set[str] = set()
    if focus and "Durée" in focus and query_terms and idf is not None:
        # « Combien de temps pour l'échange à la fin ? »: the step it names, whose heading gives its minutes.
        steps = _timed_steps(sections.get("Déroulement", []), query_terms, idf)
        if steps:
            out.append("\n**Pour votre question**")
            for chunk, line in steps:
                shown.add(line)
                out.append(f"- **{chunk.heading_path[-1]}** — {_shorten(unmarked(line), 260)} [{cites.cite(chunk, line)}]")
    if focus == {"Durée"}:
        return "\n".join(out)

    for_the_class = (lines_for_classes(doc_chunks, levels) if levels else []) + lines_for_needs(doc_chunks, needs)

    def for_the_question() -> list[str]:
        """The sentences of the sheet that answer the question's own words ("what do we draw on the mat?"), after
        its lines for the class asked."""
        box = [f"- {_shorten(unmarked(line), 300)} [{cites.cite(chunk, line)}]" for chunk, line in for_the_class
               if line not in shown]
        shown.update(line for _, line in for_the_class)
        if not query_terms or idf is None:
            return ["\n**Pour votre question**"] + box if box else []
        # The words that name the sheet (« dans le défi des gobelets, l'observateur fait quoi ? ») say which sheet, not
        # what is asked of it: every sentence about gobelets would match them; unless a step is named by them too
        # (« le forum » of the Théâtre-forum). Nor do the words that frame a question (« combien », « quoi »), which
        # answers do not repeat.
        headings = {t for c in doc_chunks for t in analyze(" ".join(c.heading_path))}
        title = set(analyze(doc.title)) - headings
        asked = [t for t in query_terms if t not in title and t not in neutral_terms(False)] or query_terms
        body = [Hit(c, priors.get(c.id, 0.0) if priors else 1.0) for c in doc_chunks if c is not header_chunk or not header]
        if priors:
            # « combien d'argent fictif par élève ? »: « 10 billets fictifs de 100 écus » in the materials, not
            # « mise à prix 100 écus » in the steps; the passages that answer come first.
            body.sort(key=lambda h: -h.score)
        key = select_sentences(asked, body, idf, limit=3, min_overlap=0.34)
        key = [k for k in key if not _HEADER_FIELD.match(fold(k.sentence)) and not any(k.sentence in line for line in shown)]
        shown.update(k.sentence for k in key)
        for k in key:
            # A sentence of a list item comes with the rest of its item: « Le tapis sert aux petits conflits… » without
            # « Coups répétés… : c'est à l'adulte d'intervenir » told a teacher whose pupils hit each other half of it.
            item = _item_of(k.hit.chunk, k.sentence)
            # the sections below recall a line shown whole here by its beginning, not whole again
            shown.add(item)
            shown.update(ln.strip() for ln in k.hit.chunk.text.split("\n")
                         if (m := _LIST_ITEM.match(ln)) and ln[m.end():].strip() == item)
            box.append(f"- {_shorten(unmarked(item), 300)} [{cites.cite(k.hit.chunk, item)}]")
        return ["\n**Pour votre question**"] + box if box else []

    # A question asking for sections (« quel matériel ? ») gets them first, whole; otherwise what answers its
    # words comes first, then the sheet.
    if not focus:
        out += for_the_question()

    shown_labels = [label for label in dict.fromkeys(label for _, label in SHEET_SECTIONS)
                    if (label in focus if focus else label in _DEFAULT_SECTIONS)]
    for label in shown_labels:
        chunks = sections.get(label)
        if not chunks:
            continue
        out.append(f"\n**{label}**")
        budget = _SECTION_ITEMS.get(label, 3) if not focus else 12
        last_step: tuple[str, ...] = ()
        left = 0  # the section's lines not shown: said, so that a list cut short never reads as the whole of it
        for chunk in chunks:
            # A line already shown under « Pour votre question » keeps its place as a reminder: a course without its
            # fourth step, or « les quatre marches » with three, would mislead more than a line shown twice would.
            lines = _section_lines(chunk, label)
            for i, (line, sub_item) in enumerate(lines):
                if budget == 0:
                    left += len(lines) - i
                    break
                budget -= 1
                n = cites.cite(chunk, line)
                step = label == "Déroulement" and len(chunk.heading_path) > 1 and i == 0 and chunk.heading_path != last_step
                prefix = f"**{chunk.heading_path[-1]}** — " if step else ""
                if step:
                    last_step = chunk.heading_path
                # A step's further lines (its instructions, the list its first line announces) sit under it,
                # and a sub-item of the source list (indented there) one level further.
                depth = int(label == "Déroulement" and len(chunk.heading_path) > 1 and not step) + int(sub_item)
                limit = _STEP_CHARS if label == "Déroulement" else None if label == "Points de vigilance" else _ITEM_CHARS
                if line in shown:
                    out.append(f"{'  ' * depth}- {prefix}{_shorten(unmarked(line), _REMINDER_CHARS)} *(voir plus haut)* [{n}]")
                    budget += 1  # a reminder takes no room from the section's own lines
                    continue
                shown.add(line)
                out.append(f"{'  ' * depth}- {prefix}{_shorten(unmarked(line), limit) if limit else unmarked(line)} [{n}]")
            if budget and label == "Déroulement" and len(chunk.heading_path) > 1 and _lines(chunk) > _STEP_LINES:
                out.append("  - *… la suite de cette étape est dans la fiche complète.*")
        if left:
            out.append(f"- *… et {left} ligne{'s' if left > 1 else ''} de plus dans la fiche complète.*")
    if focus:
        out += for_the_question()
    rest = [label for label in dict.fromkeys(lbl for _, lbl in SHEET_SECTIONS) if label in sections and label not in shown_labels]
    if rest and name_the_rest:
        out.append(_also_contains(rest))
    return "\n".join(out)


def sheet_brief(doc_chunks: list[Chunk], cites: Citations) -> str:
    """A session sheet in a few lines (« tu peux raccourcir ? »): its header, its first objective, and each step
    by its heading (which carries its timing) and its first line, shortened."""
    if not doc_chunks:
        return ""
    doc = doc_chunks[0].doc
    out = [f"### {doc.title} — l'essentiel"]
    intro, by_section = _by_section(doc_chunks)
    header = next((c for c in intro if _header_lines(c)), None)
    if header is not None:
        out += [f"{unmarked(line)} [{cites.cite(header, line)}]  " for line in _header_lines(header)[:3]]
    goals = [(c, ln) for c in by_section.get("Objectifs", []) for ln, _ in _section_lines(c, "Objectifs")]
    if goals:
        chunk, line = goals[0]
        out.append(f"\n**Objectif** : {_shorten(unmarked(line), 200)} [{cites.cite(chunk, line)}]")
    steps = [c for c in by_section.get("Déroulement", []) if len(c.heading_path) > 1]
    seen: set[tuple[str, ...]] = set()
    if steps:
        out.append("\n**Déroulement**")
    for chunk in steps:
        if tuple(chunk.heading_path) in seen:
            continue
        seen.add(tuple(chunk.heading_path))
        first = next((ln for ln, _ in _section_lines(chunk, "Déroulement")), "")
        if not first:
            out.append(f"- **{chunk.heading_path[-1]}**")
            continue
        # A first line announcing a list (« Les quatre marches : ») keeps the list, in one line.
        listed = [unmarked(item) for item in list_after(chunk, first)]
        text = unmarked(first) + (" " + " ; ".join(listed) if listed else "")
        out.append(f"- **{chunk.heading_path[-1]}** — {_shorten(text, 220 if listed else 140)} [{cites.cite(chunk, first)}]")
    out.append("\n*La fiche complète, au-dessus, détaille chaque étape, le matériel et le bilan.*")
    return "\n".join(out)


def _by_section(doc_chunks: list[Chunk]) -> tuple[list[Chunk], dict[str, list[Chunk]]]:
    """A sheet's passages before its first known section (its header), and the others by section label."""
    intro: list[Chunk] = []
    sections: dict[str, list[Chunk]] = {}
    for chunk in doc_chunks:
        key = section_label(chunk)
        (sections.setdefault(key, []) if key else intro).append(chunk)
    return intro, sections


def _also_contains(labels: list[str]) -> str:
    """The closing line naming the sheet's sections an answer left out."""
    return "\n*La fiche complète contient aussi : " + ", ".join(label.lower() for label in labels) + ".*"


def lines_for_classes(chunks: list[Chunk], levels: tuple[str, ...], limit: int = 2) -> list[tuple[Chunk, str]]:
    """The sheet's lines that open on one of the classes asked (« - **PS** : raccourcir le voyage… », « - En 6e : … »,
    « - **PS ou enfants peu à l'aise à l'oral** : … »): how the sheet adapts to that class."""
    opens = re.compile(r"^\W*(?:(?:en|pour|avec) (?:les |des )?)?(?:" + "|".join(re.escape(lv) for lv in levels)
                       + r")\b[^:\n]{0,60}:", re.IGNORECASE)
    found = [(c, ln.strip()) for c in chunks for ln in c.text.split("\n") if opens.match(ln.strip())]
    return found[:limit]


_DIFFERENTIATION = re.compile(r"^\W*differenciation\b")


def lines_for_needs(chunks: list[Chunk], needs: tuple[PupilNeed, ...], limit: int = 2) -> list[tuple[Chunk, str]]:
    """The sheet's lines about the pupils' particular needs the request names (« … pour les élèves allophones »), else
    its « Différenciation » lines: what the sheet offers a pupil who needs it adapted."""
    if not needs:
        return []
    lines = [(c, ln.strip()) for c in chunks for ln in c.text.split("\n") if ln.strip()]
    named = [(c, ln) for c, ln in lines if any(n.in_sheet.search(fold(ln)) for n in needs)
             and not _HEADER_FIELD.match(fold(ln.lstrip("-* ")))]
    return (named or [(c, ln) for c, ln in lines if _DIFFERENTIATION.match(fold(unmarked(ln)))])[:limit]


def _numbered_step(steps: list[Chunk], number: int) -> list[Chunk]:
    """The passages of the course's step numbered `number` (its heading starts « 3. » or « 3) »; -1: the last step)."""
    groups: dict[tuple[str, ...], list[Chunk]] = {}
    for chunk in steps:
        if len(chunk.heading_path) > 1:
            groups.setdefault(tuple(chunk.heading_path), []).append(chunk)
    if number == -1:
        return list(groups.values())[-1] if groups else []
    for path, chunks in groups.items():
        if re.match(rf"\W*(?:etape\s+)?{number}\s*[.)–-]", fold(path[-1])):
            return chunks
    return []


# Words of any duration question: a step is named by the question's other words.
_DURATION_TERMS = frozenset(analyze("combien de temps durée dure durent minutes min garder prévoir faut-il"))


def _timed_steps(steps: list[Chunk], query_terms: list[str], idf: Callable[[str], float]) -> list[tuple[Chunk, str]]:
    """The sheet's steps whose heading gives a duration and shares the question's words other than those
    asking a duration, best first (at most two), each with its first line."""
    asked = set(query_terms) - _DURATION_TERMS
    scored = []
    for chunk in steps:
        heading = chunk.heading_path[-1] if len(chunk.heading_path) > 1 else ""
        if heading_minutes(heading) is None:
            continue
        weight = sum(idf(t) for t in asked & set(analyze(heading)))
        first = next((ln.strip() for ln in chunk.text.split("\n") if ln.strip()), "")
        if weight > 0 and first and all(c.heading_path != chunk.heading_path for c, _, _ in scored):
            scored.append((chunk, first, weight))
    scored.sort(key=lambda x: -x[2])
    return [(c, line) for c, line, _ in scored[:2]]


_DEFAULT_SECTIONS = ("Objectifs", "Matériel", "Déroulement", "Temps d'échange et bilan", "Points de vigilance")
# Points de vigilance are shown whole: they hold what to do when a child reveals something serious (119, 3018…) and
# the activity's own safeguards (« pas de jeu de rôle à caractère sexuel »); two of four left those out of every sheet.
_SECTION_ITEMS = {"Objectifs": 5, "Matériel": 12, "Déroulement": 24, "Temps d'échange et bilan": 6, "Points de vigilance": 8}
# A sheet's list item (a material, a vigilance point) is shown whole up to this length: cut at 260, « 14 cartes-valeurs :
# …, être le … » lost the cards a teacher has to make.
_ITEM_CHARS = 700


def _item_of(chunk: Chunk, sentence: str, limit: int = 300) -> str:
    """The list item of `chunk` that `sentence` belongs to, without its marker, when it is one and at most `limit`
    characters; else the sentence."""
    for line in chunk.text.split("\n"):
        marker = _LIST_ITEM.match(line)
        if marker and sentence in line and sentence != line[marker.end():]:
            item = line[marker.end():].strip()
            return item if len(unmarked(item)) <= limit else sentence
    return sentence


def _shorten(text: str, limit: int = 240) -> str:
    """Long list items are shown as their beginning; the citation keeps the whole verbatim passage."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


# A line shown under « Pour votre question » is recalled in its section by its beginning.
_REMINDER_CHARS = 60
# A step's instructions are what the teacher reads aloud or follows (a guided relaxation's script): shown whole
# up to this length, where other sections' items are cut at 260 characters.
_STEP_CHARS = 900
# Lines shown per step of a course: the bundled sheets' steps hold at most eight (six rather than four: +0.007 key
# facts on the gold set; eight rather than six: a role play's sixth card, the one the next step builds on, was left
# out). A step cut shorter says so.
_STEP_LINES = 8


def _lines(chunk: Chunk) -> int:
    return sum(1 for ln in chunk.text.split("\n") if ln.strip())


def _section_lines(chunk: Chunk, label: str) -> list[tuple[str, bool]]:
    """The lines worth showing of a sheet section, each with whether it is a sub-item (ingestion keeps an
    indentation only before a nested list item: ingest/clean.py): list items, or for each step of the
    course its first lines (the step's heading carries the timing)."""
    lines = [(ln.strip(), ln[:1].isspace()) for ln in chunk.text.split("\n") if ln.strip()]
    return lines[:_STEP_LINES] if label == "Déroulement" else lines


_HEADER_FIELD = re.compile(r"^\W*(niveau|duree|competence)")
# How the class is organised (« Effectif et espace : demi-classe… avec deux adultes »): part of a sheet laid out,
# not of its one-line summary.
_SETTING_FIELD = re.compile(r"^\W*(effectif|organisation|espace)\b[^:]{0,30}:")


def _header_lines(chunk: Chunk, setting: bool = False) -> list[str]:
    return [s for s in sentences(chunk.text)
            if _HEADER_FIELD.match(fold(s)) or (setting and _SETTING_FIELD.match(fold(s)))]


def sheet_summary_line(doc_chunks: list[Chunk], cites: Citations) -> str:
    """One line for another relevant sheet: its title and its own level and duration lines, cited."""
    head = doc_chunks[0]
    lines = [ln for ln in _header_lines(head) if not fold(ln).lstrip("* ").startswith("competence")]
    n = cites.cite(head, lines[0] if lines else None)
    for line in lines[1:]:
        cites.cite(head, line)
    return "- " + " — ".join([f"**{head.doc.title}**"] + [unmarked(ln) for ln in lines]) + f" [{n}]"

