"""A trainer's workshop outline: objectives, a timed sequence in which participants live an activity
before analysing it, key messages from the guides and the evaluation, and documents to hand out.
The sequence follows the training path the library describes (live, understand, practise), found by
its own words; the theme and the audience pick the sheets and passages through hybrid retrieval."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant import protection_intent
from assistant.extractive import select_sentences, states_an_answer, unmarked
from assistant.planning.library import Ref, Sheet, find_passage, first_sentence, sheets
from assistant.retrieve import Hit, Retriever, preamble
from assistant.schema import Chunk, Filters
from assistant.vocabulary import cycles_of, fold, levels_in_text

AUDIENCES: tuple[str, ...] = ("nouveaux enseignants", "enseignants expérimentés", "équipe d'école",
                              "professionnels de santé")

# (key, title, weight, needle, doc types, activity). Each phase rests on the passage holding its
# needle; a library without that passage drops the phase and says so.
PHASES: tuple[tuple[str, str, float, str, tuple[str, ...], str], ...] = (
    ("accueil", "Accueil et règles du groupe", 1.0, "Trois règles sont couramment posées", ("guide",),
     "Tour de présentation, puis règles du groupe posées avec les participants (non-jugement, "
     "participation libre, confidentialité et sa limite), comme on le fera avec les élèves."),
    ("vivre", "Vivre une activité comme des élèves", 3.0, "Vivre avant d'animer", (),
     "Les participants vivent l'activité de la fiche, animée par le formateur."),
    ("analyser", "Analyser le vécu : la discussion en deux temps", 2.0, "conscientiser le vécu", ("guide",),
     "Du ressenti aux observations puis à la compétence mobilisée ; ensuite, relier à la classe."),
    ("reperes", "Comprendre les repères", 2.0, "Comprendre les repères", (),
     "Apport du formateur appuyé sur les messages clés ci-dessous, puis questions du groupe."),
    ("pratiquer", "Animer sous le regard des pairs", 3.0, "d'abord ce qui a aidé", (),
     "Par petits groupes, chacun anime une étape d'une fiche ; retours des pairs : d'abord ce qui a aidé, "
     "ensuite ce qui pourrait être ajusté, à partir de faits observés."),
    ("cloture", "Clôture et bilan", 1.0, "Une phrase de synthèse écrite par le groupe", ("guide",),
     "Phrase de synthèse du groupe, tour de table sur ce que chacun retient, remise des documents."),
)
SAFETY_NEEDLE = "Il faut s'y préparer avant la première séance"
# Below this, the slot is a presentation (a conseil des maîtres, a réunion de parents): no round of
# introductions and group rules, no practice round; present, let the group glimpse an activity, answer.
SHORT_FORMAT_MIN = 45
# A public named with no class (AESH, ATSEM, animateurs périscolaires, collègues) works with primary pupils unless it
# says otherwise: the programmes are the premier degré's, and a 4e-3e role-play of 2 × 55 min squeezed into 30 min
# was what AESH lived through.
PRIMARY_CYCLES = (1, 2, 3)
_SECONDARY = re.compile(r"\b(?:college\w*|lycee\w*|second degre|cpe|aed|assistants? d'education|cycle 4|[3-6]e|[3-6]eme)\b")
MIN_MINUTES = 5


@dataclass
class Step:
    key: str
    title: str
    duration_min: int
    activity: str
    ref: Ref  # the passage the step rests on
    extra: list[Ref] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "duration_min": self.duration_min, "activity": self.activity,
                "source": self.ref.source, "citations": [r.to_json() for r in [self.ref, *self.extra]]}


@dataclass
class Item:
    text: str
    ref: Ref

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "source": self.ref.source, "citation": self.ref.to_json()}


@dataclass
class Workshop:
    public: str
    minutes: int
    theme: str
    objectives: list[Item] = field(default_factory=list)
    sequence: list[Step] = field(default_factory=list)
    key_messages: list[Item] = field(default_factory=list)
    handouts: list[Item] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    def refs(self) -> list[Ref]:
        seen: dict[str, Ref] = {}
        for r in ([o.ref for o in self.objectives] + [r for s in self.sequence for r in [s.ref, *s.extra]]
                  + [m.ref for m in self.key_messages] + [h.ref for h in self.handouts]):
            seen.setdefault(r.chunk_id + r.snippet, r)
        return list(seen.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "request": {"public": self.public, "minutes": self.minutes, "theme": self.theme},
            "objectives": [o.to_json() for o in self.objectives],
            "sequence": [s.to_json() for s in self.sequence],
            "key_messages": [m.to_json() for m in self.key_messages],
            "handouts": [{"title": h.text, "source": h.ref.source} for h in self.handouts],
            "gaps": self.gaps,
        }


def allocate(weights: list[float], total: int, step: int = 5) -> list[int]:
    """Split `total` minutes by weight, in multiples of `step` when possible, summing exactly to total."""
    if not weights:
        return []
    unit = step if total >= step * len(weights) * 2 else 1
    raw = [total * w / sum(weights) for w in weights]
    out = [max(unit, int(round(r / unit)) * unit) for r in raw]
    diff = total - sum(out)
    order = sorted(range(len(out)), key=lambda i: -weights[i])
    i = 0
    while diff != 0 and i < 10_000:  # hand the rounding back to the heaviest phases first
        j = order[i % len(order)]
        delta = unit if diff > 0 else -unit
        if abs(diff) < unit:
            delta = diff
        if out[j] + delta >= 1:
            out[j] += delta
            diff -= delta
        i += 1
    return out


def _best_sentence(retriever: Retriever, query: str, hit: Hit) -> Ref | None:
    """The passage's sentence that carries most of the query's rare words; None for a table (a row is
    no message)."""
    snap = retriever.snapshot()
    # A document's preamble (a notice before its first heading: « Guide rédigé pour Cartable Assistant : ce n'est pas
    # un document officiel… ») says what the document is, not what it teaches: two of a workshop's three key messages
    # were that notice.
    if _invented(hit.chunk) or hit.chunk in preamble(snap.document_chunks(hit.chunk.doc.source)):
        return None
    chosen = select_sentences(snap.lexical.query_terms(query), [hit], snap.lexical.idf, limit=3)
    candidates = [sentence for sentence in [c.sentence for c in chosen] + [first_sentence(hit.chunk)]
                  if _a_message(sentence)]
    # what the passage teaches or found before what it tells (« La météo des émotions… prend trente secondes. »)
    candidates.sort(key=lambda sentence: not _TEACHES.search(fold(sentence)))
    return Ref.of(hit.chunk, candidates[0]) if candidates else None


# Words with which a guide states a principle or an evaluation a finding: what a key message is made of.
_TEACHES = re.compile(r"\b(?:permet\w*|favoris\w*|aide\w*|doi(?:t|vent)|gagne\w* a|suppose\w*|repose\w*|important\w*|essentiel\w*"
                      r"|necessaire\w*|indispensable\w*|preferable|efficac\w*|apprenn?e\w*|conclu\w*|reussite|montre\w*|plutot"
                      r"|mieux|ne (?:pas|jamais)|n'est pas|sans (?:juger|forcer|insister))\b")


def _a_message(sentence: str) -> bool:
    """A whole statement that stands alone: not a table row, a question or a sentence leaning on the one before
    (extractive.states_an_answer), not a list item cut at « ; » or « : », not made up, and naming what it is about
    rather than pointing back at it (« …suffisent souvent à créer cette cohérence »), nor about what the sources let the
    writer check (« Les recommandations détaillées n'ont pas pu être lues. »)."""
    plain = unmarked(sentence).strip(" *")
    folded = fold(plain)
    return (states_an_answer(sentence) and len(plain) >= 40 and not plain.endswith((";", ":", ","))
            and not _says_invented(sentence) and not _POINTS_BACK.search(folded) and not _WHOSE.match(folded)
            and not _ABOUT_THE_RECORD.search(folded))


_ABOUT_THE_RECORD = re.compile(r"\bpu etre (?:lue?|verifiee?|consultee?|confirmee?|etablie?)s?\b"
                               r"|\b(?:les|une|d'autres|aucune(?: autre)?) sources?\b|^si la lecture\b")
_POINTS_BACK = re.compile(r"\b(?:cette|cet|ces|celle-ci|celui-ci|ceux-ci|ci-dessus|precedente?s?)\b")
# « Sa stratégie consistait à… »: whose, the sentence before said.
_WHOSE = re.compile(r"(?:sa|son|ses|leur|leurs) ")


def _invented(chunk: Chunk) -> bool:
    """A passage a guide marks as a made-up example (« Exemple fictif »), or one about the document's own sources
    (« Sources utilisées », « Pour aller plus loin », « Points de vigilance sur les sources »): no key message to
    present as fact."""
    return any(_says_invented(h) or _ABOUT_SOURCES.search(fold(h)) for h in chunk.heading_path)


_ABOUT_SOURCES = re.compile(r"\b(?:sources?|references?|bibliographie|pour aller plus loin|non verifie(?:e|s|es)?)\b")


def _says_invented(text: str) -> bool:
    """A heading or a sentence that says it is made up (« Exemple fictif », « **Scène fictive.** … », « (illustratif) », « Exemple imaginé
    pour une classe… »)."""
    return re.search(r"\b(?:ficti(?:f|ve)s?|imaginaire|imaginee?s?|illustrati(?:f|ve)s?)\b", fold(text)) is not None


def _short_steps(plan: Workshop, chosen: list[Sheet], minutes: int) -> list[tuple[str, str, float, Ref, str, list[Ref]]]:
    """A presentation slot: the programme and its findings, a glimpse of one activity (from 20 min),
    then questions and the documents to take away."""
    steps: list[tuple[str, str, float, Ref, str, list[Ref]]] = []
    if plan.key_messages:
        steps.append(("presenter", "Présenter les CPS et le programme", 3.0, plan.key_messages[0].ref,
                      "Ce que sont les CPS, ce que propose le programme et ce qu'en disent les guides et "
                      "l'évaluation : les messages clés ci-dessous.", [m.ref for m in plan.key_messages[1:]]))
    act = chosen[0].main_activity() if chosen else None
    if act is not None and minutes >= 20:
        steps.append(("vivre", f"Faire découvrir une activité : « {chosen[0].doc.title} »", 2.0, act,
                      f"Une étape courte de la fiche, montrée ou vécue par le groupe. {unmarked(act.snippet)}", []))
    closing = chosen[0].duration_ref() if chosen else (plan.key_messages[-1].ref if plan.key_messages else None)
    if closing is not None:
        steps.append(("cloture", "Questions et suite", 1.0, closing,
                      "Questions du groupe, puis remise des documents ci-dessous.", []))
    if not steps:
        plan.gaps.append("La bibliothèque ne contient rien sur ce thème à présenter.")
    return steps


def build_workshop(retriever: Retriever, public: str, minutes: int, theme: str) -> Workshop:
    """Outline a workshop of `minutes` on `theme` for `public`, every element cited."""
    snap = retriever.snapshot()
    plan = Workshop(public, minutes, theme)
    if minutes < MIN_MINUTES:
        plan.gaps.append(f"Moins de {MIN_MINUTES} minutes : pas de déroulé possible.")
        return plan
    short = minutes < SHORT_FORMAT_MIN
    query = f"{theme} {public}".strip()

    by_source = {s.source: s for s in sheets(snap)}
    cycles = tuple(cycles_of(levels_in_text(query)))  # "en maternelle": sheets of that cycle
    if not cycles and not _SECONDARY.search(fold(query)):
        cycles = PRIMARY_CYCLES
    query_vec = retriever.embed_query(query)  # one encode for the three searches below
    # The protection guide gives no key message to a workshop that is not about protecting a child (« Service créé le 1er
    # février 1995… » in an evening for parents on their children's anger).
    off_topic = protection_intent.off_topic_guide(retriever, query, retriever.e5(query_vec))
    sheet_hits = retriever.search(query, Filters(doc_types=("seance",), cycles=cycles), k=6, per_doc=1,
                                  query_vec=query_vec) or retriever.search(query, Filters(doc_types=("seance",)), k=6,
                                                                           per_doc=1, query_vec=query_vec)
    chosen: list[Sheet] = []
    wanted_sheets = 2 if minutes >= 150 else 1  # in a short slot, the sheet is shown or handed out
    for hit in sheet_hits:
        sheet = by_source.get(hit.chunk.doc.source)
        if sheet and sheet.main_activity() and sheet not in chosen:
            chosen.append(sheet)
        if len(chosen) == wanted_sheets:
            break

    # Key messages: the guides first, then the evaluation's findings; a short presentation starts from
    # what the programme is.
    sources = ((("presentation",), 1), (("guide",), 2), (("evaluation",), 2)) if short else (
        (("guide",), 3), (("evaluation",), 2))
    for types, k in sources:
        # a passage with no message to give (a made-up example, a table) leaves its place to the next one found
        # An evaluation is often one report: several of its passages, those stating a finding first (what it concluded,
        # not « Le chiffre de 7 000 enfants est présenté… comme une estimation » because it names « enfants »).
        evaluation = types == ("evaluation",)
        asked = f"{query} : ce que l'évaluation a conclu" if evaluation else query
        # Two passages a document: its second stands in when its best is its preamble (still one message a document).
        hits = retriever.search(asked, Filters(doc_types=types), k=k + 3, per_doc=k + 3 if evaluation else 2,
                                query_vec=None if evaluation else query_vec)
        found = [ref for hit in hits if hit.chunk.doc.source not in off_topic
                 and (ref := _best_sentence(retriever, asked, hit)) is not None]
        if evaluation:
            found.sort(key=lambda ref: not _TEACHES.search(fold(ref.snippet)))
        else:
            found = [ref for i, ref in enumerate(found) if all(ref.source != other.source for other in found[:i])]
        plan.key_messages += [Item(unmarked(ref.snippet), ref) for ref in found[:k]]
    if not any(m.ref.doc_type == "evaluation" for m in plan.key_messages):
        plan.gaps.append("Aucun résultat d'évaluation dans la bibliothèque sur ce thème.")

    steps: list[tuple[str, str, float, Ref, str, list[Ref]]] = []
    if short:
        steps = _short_steps(plan, chosen, minutes)
    else:
        keys = ["accueil", "vivre", "analyser", "reperes", "pratiquer", "cloture"]
        if minutes < 90:
            keys.remove("pratiquer")
        for key, title, weight, needle, types, activity in PHASES:
            if key not in keys:
                continue
            ref = find_passage(snap, needle, types)
            if key == "vivre":
                if not chosen:
                    plan.gaps.append("Aucune fiche de séance de la bibliothèque ne correspond au thème : pas d'activité à faire vivre.")
                    continue
                for sheet in chosen:
                    act = sheet.main_activity()
                    assert act is not None
                    steps.append((key, f"{title} : « {sheet.doc.title} »", weight, act,
                                  f"{activity} {unmarked(act.snippet)}", [ref] if ref else []))
                continue
            if ref is None:
                plan.gaps.append(f"Étape « {title} » : la bibliothèque ne contient pas le passage qui la fonde ; étape non proposée.")
                continue
            steps.append((key, title, weight, ref, activity, []))
    for (key, title, _, ref, activity, extra), dur in zip(steps, allocate([s[2] for s in steps], minutes)):
        plan.sequence.append(Step(key, title, dur, activity, ref, extra))

    # Objectives: live the chosen activity; know what the best-matching guides say.
    lived = {s.ref.chunk_id for s in plan.sequence if s.key == "vivre"}
    for sheet in chosen:
        act = sheet.main_activity()
        if act is not None and act.chunk_id in lived:
            what = "Avoir découvert" if short else "Avoir vécu puis analysé"
            plan.objectives.append(Item(f"{what} une activité CPS : « {sheet.doc.title} ».", sheet.duration_ref()))
    seen_sections: set[tuple[str, str]] = set()
    for msg in plan.key_messages:
        if msg.ref.doc_type != "guide":
            continue
        chunk = snap.chunks[snap.index_of[msg.ref.chunk_id]]
        section = chunk.heading_path[0] if chunk.heading_path else chunk.doc.title
        if (chunk.doc.source, section) in seen_sections:
            continue
        seen_sections.add((chunk.doc.source, section))
        plan.objectives.append(Item(f"Connaître les repères : « {section} » ({chunk.doc.title}).", msg.ref))
    practice = next((s for s in plan.sequence if s.key == "pratiquer"), None)
    if practice:
        plan.objectives.append(Item("S'exercer à animer et à donner un retour à partir de faits observés.", practice.ref))

    # Handouts: the sheets lived, the guides and reports quoted, and what to do if a child reveals danger.
    docs: dict[str, Ref] = {}
    for r in [*(s.duration_ref() for s in chosen), *(m.ref for m in plan.key_messages)]:
        docs.setdefault(r.source, r)
    safety = find_passage(snap, SAFETY_NEEDLE)
    if safety:
        docs.setdefault(safety.source, safety)
        top = retriever.search("que faire quand un enfant révèle une situation de danger", k=1, mode="bm25")
        if top and top[0].chunk.doc.doc_type != "seance":
            docs.setdefault(top[0].chunk.doc.source, Ref.of(top[0].chunk, first_sentence(top[0].chunk)))
    plan.handouts = [Item(r.title, r) for r in docs.values()]
    return plan
