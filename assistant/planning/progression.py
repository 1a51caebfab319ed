"""A class's progression: an ordered sequence of the library's session sheets for a level, some
competences, a number of sessions and their length. The order follows the principles of the guide
on building a progression, each cited; a step the library cannot fill is reported, never invented."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from assistant.extractive import describe_levels
from assistant.planning import competences as comp_match
from assistant.planning.library import Ref, Sheet, find_passage, sheets
from assistant.retrieve import Snapshot
from assistant.vocabulary import COMPETENCE_BY_KEY, cycles_of, fold, normalise_levels

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

# The guide's order (construire-une-progression.md, « Ordonner ») : de soi vers les autres, de
# l'identification vers l'action (identifier → exprimer → réguler → résoudre).
COMPETENCE_ORDER: tuple[str, ...] = (
    "conscience_de_soi", "conscience_emotions", "reguler_emotions", "gerer_stress", "maitrise_de_soi",
    "communiquer", "relations_constructives", "resoudre_difficultes", "decisions_constructives",
)
# The guide's three base competences, "placées en début de parcours": the default choice.
BASE_COMPETENCES: tuple[str, ...] = ("conscience_de_soi", "conscience_emotions", "relations_constructives")

# Each principle is found in the library by its own words (see library.find_passage).
PRINCIPLES: dict[str, str] = {
    "order": "de l'identification vers l'action",
    "base": "se concentre sur trois compétences générales dites de base",
    "rules": "construire avec les élèves lors de la première séance",
    "closing": "Planifier le bilan",
    "ritual": "Prévoir les rituels",
    "rhythm": "une séance toutes les deux à trois semaines",
    "not_alone": "Ne pas isoler une compétence",
    "one_per_session": "Une compétence par séance",
    "split": "quitte à scinder la séance en deux moments",
}
# A sheet up to twice the slot is run over two slots (« j'ai que 30 min » left a CE1 plan with no session: its only
# sheet takes 45), as the guide allows; a longer one is left out and named.
SPLIT_AT_MOST = 2
# A sheet at most this share longer than the slot (35 min for 30) is shortened to fit one slot, as the guide advises
# first (« on raccourcit nettement chaque temps »), rather than cut into two halves weeks apart.
SHORTEN_UP_TO = 1.25

STAGES: dict[str, str] = {
    "conscience_de_soi": "Commencer par soi : une compétence de base, placée en début de parcours.",
    "conscience_emotions": "Identifier d'abord : repérer et nommer avant d'exprimer, de réguler puis de résoudre.",
    "reguler_emotions": "Une fois les émotions identifiées, apprendre à les exprimer et à les réguler.",
    "gerer_stress": "Une fois les émotions identifiées, apprendre à réguler son stress.",
    "maitrise_de_soi": "Après l'identification, passer à l'action sur soi : s'arrêter avant d'agir.",
    "communiquer": "De soi vers les autres : communiquer après avoir travaillé sur soi.",
    "relations_constructives": "De soi vers les autres : la relation au groupe après le travail sur soi.",
    "resoudre_difficultes": "De l'identification vers l'action : résoudre vient en fin de parcours.",
    "decisions_constructives": "De l'identification vers l'action : décider vient en fin de parcours.",
}
# A plan opening on a competence the guide places after others (« Une fois les émotions identifiées… » read as the
# rationale of session 1, with nothing identified before): what would come first says so instead.
OPENING_STAGE = ("Dans l'ordre du guide, cette compétence vient après la connaissance de soi et l'identification des émotions : "
                 "si la classe ne les a pas encore travaillées, les installer d'abord.")
STARTS = ("conscience_de_soi", "conscience_emotions")

MONTHS: tuple[str, ...] = ("septembre", "octobre", "novembre", "decembre", "janvier", "fevrier", "mars",
                           "avril", "mai", "juin", "juillet", "aout")
MONTH_LABELS: tuple[str, ...] = ("septembre", "octobre", "novembre", "décembre", "janvier", "février", "mars",
                                 "avril", "mai", "juin", "juillet", "août")
WEEKS_PER_MONTH = 4.3


@dataclass
class PlannedSession:
    source: str
    title: str
    duration_min: int
    competences: list[str]  # labels
    reason: str
    sheet_ref: Ref
    reason_refs: list[Ref] = field(default_factory=list)
    part: int = 1
    parts: int = 1
    levels: tuple[str, ...] = ()
    objectives: list[Ref] = field(default_factory=list)
    ritual: Ref | None = None
    month: str | None = None
    closing: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source, "title": self.title, "duration_min": self.duration_min,
            "competences": self.competences, "reason": self.reason,
            "levels": list(self.levels), "citations": [r.to_json() for r in [self.sheet_ref, *self.reason_refs]],
        }
        if self.parts > 1:
            out["part"] = f"{self.part}/{self.parts}"
        if self.month:
            out["month"] = self.month
        if self.closing:
            out["closing"] = True
        return out


@dataclass
class Progression:
    level: str
    levels: list[str]
    competences: list[str]  # keys
    sessions_wanted: int
    slot_min: int
    period: str | None
    sessions: list[PlannedSession] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    notes: list[tuple[str, Ref | None]] = field(default_factory=list)
    ritual: Ref | None = None
    ritual_principle: Ref | None = None

    def refs(self) -> list[Ref]:
        """Every passage the plan cites, in order of first use, once each."""
        seen: dict[str, Ref] = {}
        for s in self.sessions:
            for r in [s.sheet_ref, *s.reason_refs, *s.objectives, *([s.ritual] if s.ritual else [])]:
                seen.setdefault(r.chunk_id + r.snippet, r)
        for r in [self.ritual, self.ritual_principle, *(ref for _, ref in self.notes)]:
            if r is not None:
                seen.setdefault(r.chunk_id + r.snippet, r)
        return list(seen.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "request": {"level": self.level, "levels": self.levels, "sessions": self.sessions_wanted,
                        "minutes": self.slot_min, "period": self.period,
                        "competences": [COMPETENCE_BY_KEY[k].label for k in self.competences]},
            "sessions": [s.to_json() for s in self.sessions],
            "ritual": self.ritual.to_json() if self.ritual else None,
            "notes": [{"text": t, "source": r.source if r else None} for t, r in self.notes],
            "gaps": self.gaps,
        }


def parse_period(text: str | None) -> list[int]:
    """'novembre-février', 'de novembre à février' → the month indexes of the school year covered."""
    if not text:
        return []
    found = [MONTHS.index(m) for m in re.findall("|".join(MONTHS), fold(text))]
    if not found:
        return []
    start, end = found[0], found[-1]
    return list(range(start, end + 1)) if end >= start else list(range(start, 12)) + list(range(0, end + 1))


def _describe(levels: list[str]) -> str:
    return describe_levels(tuple(levels)) if levels else ""


def sheet_minutes(snap: Snapshot, level: str, default: int) -> int:
    """The session length a plan for `level` takes when the request gives none: the longest sheet of its cycle (35
    minutes in maternelle, up to 60 at school and collège), so that no sheet the plan may draw on is shortened or split;
    `default` when the library has no timed sheet for it."""
    cycles = set(cycles_of(normalise_levels(level)))
    own = [sheet.minutes for sheet in sheets(snap) if cycles & set(cycles_of(sheet.doc.levels))]
    return max(own, default=default)


def build_progression(snap: Snapshot, level: str, competences: list[str], sessions: int, minutes: int,
                      period: str | None = None, embeddings: Embeddings | None = None) -> Progression:
    """Plan `sessions` sessions of `minutes` for `level` on `competences` (keys, labels or free text;
    the embeddings match free text). A sheet up to twice the slot is run over two slots; longer ones, and sheets for
    another cycle, are not used."""
    levels = normalise_levels(level)
    plan = Progression(level, levels, [], sessions, minutes, period)
    principles = {k: find_passage(snap, needle) for k, needle in PRINCIPLES.items()}
    if not levels:
        plan.gaps.append(f"Le niveau « {level} » n'est pas couvert : les fiches de la bibliothèque sont classées "
                         "de la petite section à la 3e (cycles 1 à 4). Aucune progression n'est proposée.")
        return plan
    if sessions < 1 or minutes < 1:
        plan.gaps.append("Indiquez au moins une séance et une durée de séance positive.")
        return plan

    wanted: list[str] = []
    # With no competence asked, the base competences come first; when their sheets cannot fill the sessions asked
    # (« une séance tous les 15 jours sur l'année » in CM1: 18, and 4 base sheets), the class's other sheets follow
    # in the guide's order rather than being left as neighbours while sessions « restent à prévoir ».
    extra: list[str] = []
    if competences:
        for res in comp_match.resolve(competences, embeddings):
            if not res.keys:
                plan.gaps.append(f"« {res.text} » ne correspond à aucune compétence psychosociale du référentiel.")
            wanted.extend(k for k in res.keys if k not in wanted)
    else:
        wanted = list(BASE_COMPETENCES)
        extra = [k for k in COMPETENCE_ORDER if k not in wanted]
        plan.notes.append(("Aucune compétence demandée : la progression part des trois compétences de base.",
                           principles["base"]))
    wanted.sort(key=COMPETENCE_ORDER.index)
    plan.competences = wanted
    if not wanted:
        plan.gaps.append("Aucune compétence reconnue : la bibliothèque ne traite que des compétences psychosociales "
                         "(émotions, stress, relations aux autres, choix et décisions) ; elle n'a rien pour construire "
                         "une progression sur ce sujet.")
        return plan

    asked = set(levels)
    cycles = set(cycles_of(levels))
    label = _describe(levels)
    considered = wanted + extra
    usable: dict[str, list[tuple[int, Sheet]]] = {k: [] for k in considered}
    too_long: list[Sheet] = []
    fitting: list[tuple[list[str], int, Sheet]] = []
    split: dict[str, int] = {}  # a sheet run over several slots: its own length
    for sheet in sheets(snap):
        keys = [k for k in COMPETENCE_ORDER if k in considered and k in sheet.doc.competences]
        if not keys:
            continue
        if asked & set(sheet.doc.levels):
            tier = 0
        elif cycles & set(sheet.doc.cycles):
            tier = 1
        else:
            continue
        if sheet.minutes > SPLIT_AT_MOST * minutes:
            too_long.append(sheet)
            continue
        if sheet.minutes > minutes:
            split[sheet.source] = sheet.minutes
            slots = 1 if sheet.minutes <= SHORTEN_UP_TO * minutes else math.ceil(sheet.minutes / minutes)
            sheet = replace(sheet, parts=sheet.parts * slots, minutes=math.ceil(sheet.minutes / slots) if slots > 1 else minutes)
        fitting.append((keys, tier, sheet))
    # A sheet with several of the wanted competences serves the one with the fewest sheets of its own (a base
    # competence before any other).
    own = {k: sum(1 for keys, _, _ in fitting if keys == [k]) for k in considered}
    for keys, tier, sheet in fitting:
        usable[min(keys, key=lambda k: (k not in wanted, own[k], COMPETENCE_ORDER.index(k)))].append((tier, sheet))
    for key in considered:
        usable[key].sort(key=lambda ts: (ts[0], ts[1].source in split, ts[1].minutes, ts[1].first_level_rank(), ts[1].source))
        if key in wanted and not any(key in keys for keys, _, _ in fitting):
            longer = [s for s in too_long if key in s.doc.competences]
            why = (f" qui tienne en {minutes} min (« {longer[0].doc.title} » dure {longer[0].minutes} min)"
                   if longer else "")
            plan.gaps.append(f"Aucune fiche « {COMPETENCE_BY_KEY[key].label} » pour {label}{why} dans la bibliothèque.")

    chosen = _round_robin(usable, wanted, sessions)
    filled = _round_robin(usable, extra, sessions - sum(s.parts for _, _, s in chosen)) if extra else []
    if filled:
        chosen += filled
        used = {key for key, _, _ in filled}
        wanted = wanted + [k for k in extra if k in used]
        wanted.sort(key=COMPETENCE_ORDER.index)
        plan.competences = wanted
        plan.notes.append((f"Les fiches des trois compétences de base pour {label} ne remplissent pas les {sessions} séances : "
                           "la suite reprend les autres fiches de la classe, dans l'ordre du guide "
                           "(identifier, exprimer, réguler, puis résoudre).", principles["order"]))
    chosen.sort(key=lambda c: (COMPETENCE_ORDER.index(c[0]), c[2].minutes, c[2].source))

    months = parse_period(period)
    total = sum(s.parts for _, _, s in chosen)
    index = 0
    previous_key: str | None = None
    for key, tier, sheet in chosen:
        for part in range(1, sheet.parts + 1):
            reason_parts: list[str] = []
            refs: list[Ref] = []
            if part > 1:
                reason_parts.append(f"Suite de la même fiche (séance {part} sur {sheet.parts}).")
            else:
                stage = STAGES[key] if previous_key is not None or key in STARTS else OPENING_STAGE
                if key == previous_key:
                    stage = "Même étape, un cran plus loin : du plus simple (le plus court) au plus complexe."
                reason_parts.append(stage)
                if principles["order"]:
                    refs.append(principles["order"])
                if key == "conscience_de_soi" and principles["base"]:
                    refs.append(principles["base"])
            if part == 1 and sheet.source in split and sheet.parts == 1:
                reason_parts.append(f"Fiche de {split[sheet.source]} min à tenir en {minutes} min : raccourcir chaque temps.")
                if principles["split"]:
                    refs.append(principles["split"])
            elif part == 1 and sheet.source in split:
                reason_parts.append(f"Fiche de {split[sheet.source]} min menée en {sheet.parts} créneaux de {minutes} min : "
                                    "raccourcir chaque temps, quitte à la scinder.")
                if principles["split"]:
                    refs.append(principles["split"])
            if tier == 1 and part == 1:
                reason_parts.append(f"Fiche prévue pour {_describe(list(sheet.doc.levels))} : à adapter pour {label}.")
                variant = sheet.variant_for(levels)
                if variant:
                    refs.append(variant)
            if index == 0:
                reason_parts.append("Première séance : construire avec les élèves les règles du groupe.")
                if principles["rules"]:
                    refs.append(principles["rules"])
            closing = index == total - 1 and total > 1
            if closing:
                reason_parts.append("Séance de clôture : y faire le bilan avec les élèves (ce qu'ils ont appris, ce qu'il faut reprendre).")
                if principles["closing"]:
                    refs.append(principles["closing"])
            month = _when(months[math.floor(index * len(months) / total)], months) if months else None
            plan.sessions.append(PlannedSession(
                source=sheet.source, title=sheet.doc.title, duration_min=sheet.minutes,
                competences=[COMPETENCE_BY_KEY[k].label for k in sheet.doc.competences if k in COMPETENCE_BY_KEY],
                reason=" ".join(reason_parts), sheet_ref=sheet.duration_ref(), reason_refs=_unique(refs),
                part=part, parts=sheet.parts, levels=sheet.doc.levels,
                objectives=sheet.objectives() if part == 1 else [], ritual=sheet.ritual() if part == 1 else None,
                month=month, closing=closing,
            ))
            index += 1
        previous_key = key

    if total < sessions:
        missing = sessions - total
        plan.gaps.append(
            f"La bibliothèque n'a pas assez de fiches de {minutes} min au plus pour {label} sur ces compétences : "
            f"{total} séance(s) proposée(s), {missing} restent à prévoir (aucune séance n'est inventée ; "
            "ajoutez une compétence, allongez le créneau ou complétez la bibliothèque).")
        if too_long:
            names = ", ".join(f"« {s.doc.title} » ({s.minutes} min)" for s in too_long[:4])
            plan.gaps.append(f"Fiches écartées car plus longues que le créneau : {names}.")
        neighbours = _neighbouring_sheets(snap, wanted, levels, minutes, {s.source for _, _, s in chosen})
        if neighbours:
            names = ", ".join(f"« {s.doc.title} » ({label_of})" for s, label_of in neighbours[:4])
            plan.gaps.append(f"Fiches de compétences voisines pour {label}, à ajouter si elles conviennent : {names}.")
    first_ritual = next((s.ritual for s in plan.sessions if s.ritual), None)
    plan.ritual_principle = principles["ritual"]
    if first_ritual:
        plan.ritual = first_ritual
    elif plan.sessions:
        plan.gaps.append("Aucune des fiches retenues ne propose de rituel : en prévoir un pour prolonger les séances.")
    if months and total and len(months) * WEEKS_PER_MONTH / total < 2:
        plan.notes.append((f"{total} séances en {len(months)} mois : c'est plus d'une séance toutes les deux semaines.",
                           principles["rhythm"]))
    categories = {COMPETENCE_BY_KEY[k].category for k in wanted}
    if plan.sessions and "sociale" not in categories:
        plan.notes.append(("Toutes les compétences choisies portent sur soi : alterner avec une compétence sociale.",
                           principles["not_alone"]))
    return plan


# The school year's five periods between holidays, two months each (the guide's annual example: « 1 (sept.-oct.) »…).
SCHOOL_YEAR = list(range(10))


def _when(month: int, months: list[int]) -> str:
    """A session's month; over the whole school year, with its period (« période 2 · novembre »)."""
    if months == SCHOOL_YEAR:
        return f"période {month // 2 + 1} · {MONTH_LABELS[month]}"
    return MONTH_LABELS[month]


def _round_robin(usable: dict[str, list[tuple[int, Sheet]]], keys: list[str], sessions: int) -> list[tuple[str, int, Sheet]]:
    """Sheets for `sessions` slots taken in turn from each competence's queue (`usable`, emptied as it goes), so that
    each competence gets its share."""
    chosen: list[tuple[str, int, Sheet]] = []
    remaining = sessions
    while remaining > 0 and any(usable[k] for k in keys):
        progressed = False
        for key in keys:
            queue = usable[key]
            while queue and queue[0][1].parts > remaining:
                queue.pop(0)
            if queue and remaining > 0:
                tier, sheet = queue.pop(0)
                chosen.append((key, tier, sheet))
                remaining -= sheet.parts
                progressed = True
        if not progressed:
            break
    return chosen


def _neighbouring_sheets(snap: Snapshot, wanted: list[str], levels: list[str], minutes: int,
                         used: set[str]) -> list[tuple[Sheet, str]]:
    """Sheets of the level (then its cycle) that fit the slot and work another competence of the same CPS
    category as a wanted one (coopération → communication, empathie…), with that competence's label."""
    categories = {COMPETENCE_BY_KEY[k].category for k in wanted}
    asked, cycles = set(levels), set(cycles_of(levels))
    found: list[tuple[int, int, Sheet, str]] = []
    for sheet in sheets(snap):
        if sheet.source in used or sheet.minutes > minutes:
            continue
        tier = 0 if asked & set(sheet.doc.levels) else 1 if cycles & set(sheet.doc.cycles) else None
        other = [k for k in sheet.doc.competences
                 if k in COMPETENCE_BY_KEY and k not in wanted and COMPETENCE_BY_KEY[k].category in categories]
        if tier is not None and other:
            found.append((tier, sheet.minutes, sheet, COMPETENCE_BY_KEY[other[0]].label))
    found.sort(key=lambda f: (f[0], f[1], f[2].source))
    return [(sheet, label) for _, _, sheet, label in found]


def _unique(refs: list[Ref]) -> list[Ref]:
    out: list[Ref] = []
    for r in refs:
        if all((r.chunk_id, r.snippet) != (o.chunk_id, o.snippet) for o in out):
            out.append(r)
    return out


def following_sheets(snap: Snapshot, source: str, n: int = 3) -> list[Sheet]:
    """The sheets that may follow `source` in a progression: of a class it is written for (else of its cycle), on
    the competences that come after its own in the order of the guides (from identifying towards acting), the
    nearest first; then those before it. Never `source` itself."""
    current = next((s for s in sheets(snap) if s.source == source), None)
    if current is None:
        return []
    here = min((COMPETENCE_ORDER.index(k) for k in current.doc.competences if k in COMPETENCE_ORDER), default=0)
    levels, cycles = set(current.doc.levels), set(current.doc.cycles)

    def rank(sheet: Sheet) -> tuple[int, int, int, str]:
        keys = [COMPETENCE_ORDER.index(k) for k in sheet.doc.competences if k in COMPETENCE_ORDER]
        after = [i - here for i in keys if i > here]
        step = min(after) if after else len(COMPETENCE_ORDER) + min((here - i for i in keys), default=0)
        return (0 if levels & set(sheet.doc.levels) else 1, step, sheet.minutes, sheet.source)

    pool = [s for s in sheets(snap) if s.source != source and cycles & set(s.doc.cycles)
            and not set(s.doc.competences) <= set(current.doc.competences)]
    return sorted(pool, key=rank)[:n]
