"""The planners over the bundled library. Fast tier: a store built with deterministic fake embeddings
(ordering, slot and citation rules do not depend on the model); integration tier: free-text
competences and themes matched with the real multilingual model."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.planning import export, intent
from assistant.extractive import Citations
from assistant.planning.chat import plan_from_chat, workshop_text
from assistant.planning.library import parse_duration, sheets
from assistant.planning.progression import COMPETENCE_ORDER, SHORTEN_UP_TO, build_progression, sheet_minutes
from assistant.planning.workshop import allocate, build_workshop
from assistant.retrieve import Retriever
from assistant.schema import Chunk, DocMeta
from assistant.settings import Settings
from assistant.vocabulary import CLASSES, COMPETENCES, cycles_of, fold
from tests.conftest import CORPUS, FAKE_MODEL

LABEL_KEY = {c.label: c.key for c in COMPETENCES}


@pytest.fixture(scope="module")
def fake_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from langchain_core.embeddings import DeterministicFakeEmbedding

    from ingest.pipeline import ingest

    settings = Settings(store=tmp_path_factory.mktemp("plan") / "store", embedding_model=FAKE_MODEL, corpus=CORPUS)
    assert ingest([CORPUS], settings, DeterministicFakeEmbedding(size=64)).ok
    return settings


@pytest.fixture(scope="module")
def retriever(fake_settings: Settings) -> Retriever:
    from langchain_core.embeddings import DeterministicFakeEmbedding

    return Retriever(fake_settings, DeterministicFakeEmbedding(size=64))


@pytest.fixture(scope="module")
def snap(retriever: Retriever) -> Any:
    return retriever.snapshot()


def _stage(session: Any, wanted: list[str]) -> int:
    """The position in the guide's order of the competence a session serves."""
    keys = [LABEL_KEY[label] for label in session.competences if LABEL_KEY.get(label) in wanted]
    return min(COMPETENCE_ORDER.index(k) for k in keys)


def check_plan(plan: Any, snap: Any, wanted: list[str]) -> None:
    """The rules every progression keeps."""
    library = {s.source: s for s in sheets(snap)}
    cycles = set(cycles_of(plan.levels))
    seen: set[tuple[str, int]] = set()
    assert sum(1 for _ in plan.sessions) <= plan.sessions_wanted
    for s in plan.sessions:
        sheet = library[s.source]  # an existing sheet of the library, nothing invented
        assert s.title == sheet.doc.title
        # fits the slot: the sheet's own length, the share of each slot when it is run over several, or the slot when
        # a sheet a little longer is shortened to fit it
        shortened = sheet.minutes <= SHORTEN_UP_TO * plan.slot_min and s.duration_min == plan.slot_min \
            and f"à tenir en {plan.slot_min} min" in s.reason
        assert s.duration_min <= plan.slot_min and (s.duration_min == sheet.minutes or s.parts > sheet.parts or shortened)
        assert set(sheet.doc.cycles) & cycles  # for the class's cycle
        assert (s.source, s.part) not in seen  # never the same sheet twice
        seen.add((s.source, s.part))
        assert set(LABEL_KEY[c] for c in s.competences) & set(wanted)
        assert s.reason and s.reason_refs or s.part > 1
        for ref in [s.sheet_ref, *s.reason_refs, *s.objectives]:  # every citation is a verbatim passage
            chunk = snap.chunks[snap.index_of[ref.chunk_id]]
            assert ref.snippet in chunk.text and chunk.doc.source == ref.source
    stages = [_stage(s, wanted) for s in plan.sessions]
    assert stages == sorted(stages), "sessions must follow the guide's order (soi → émotions → relations → résoudre)"
    for a, b in zip(plan.sessions, plan.sessions[1:]):  # the parts of a two-part sheet stay together
        if b.part > 1:
            assert a.source == b.source and a.part == b.part - 1
    if plan.sessions:
        assert plan.sessions[-1].closing == (len(plan.sessions) > 1)
    if len(plan.sessions) < plan.sessions_wanted:
        assert any("restent à prévoir" in g for g in plan.gaps)


@pytest.mark.parametrize("level,competences,sessions,minutes", [
    ("GS", [], 6, 30),
    ("cycle 1", ["conscience_emotions", "reguler_emotions", "relations_constructives"], 5, 30),
    ("CE2", ["Avoir conscience de ses émotions et de son stress", "reguler_emotions"], 6, 45),
    ("CE1", ["relations_constructives", "conscience_de_soi", "decisions_constructives", "communiquer"], 6, 50),
    ("cycle 3", [], 8, 60),
    ("CM1", ["resoudre_difficultes", "conscience_emotions", "communiquer"], 4, 50),
    ("6e", ["gerer_stress", "maitrise_de_soi", "decisions_constructives"], 5, 60),
    ("4e", ["resoudre_difficultes", "communiquer"], 5, 55),
    ("3e", ["gerer_stress", "conscience_de_soi", "resoudre_difficultes"], 6, 55),
])
def test_progression_rules_hold_for_every_cycle(snap: Any, level: str, competences: list[str], sessions: int,
                                                minutes: int) -> None:
    plan = build_progression(snap, level, competences, sessions, minutes)
    wanted = plan.competences
    assert plan.sessions, plan.gaps
    check_plan(plan, snap, wanted)


def test_a_year_long_plan_names_each_sessions_period(snap: Any) -> None:
    # Found by a tryout: « une progression annuelle… période par période » got six sessions with no date. The school
    # year's five periods hold two months each, as in the guide's annual example.
    plan = build_progression(snap, "CM1", [], intent.ANNUAL_SESSIONS, 60, "septembre-juin")
    assert len(plan.sessions) >= 8, plan.gaps
    assert [s.month for s in plan.sessions][:3] == ["période 1 · septembre", "période 1 · octobre", "période 2 · novembre"]
    periods = [int(str(s.month).split()[1]) for s in plan.sessions]
    assert periods == sorted(periods) and set(periods) == {1, 2, 3, 4, 5}
    # a shorter span keeps its months alone
    months = [s.month for s in build_progression(snap, "CM1", [], 4, 60, "janvier-avril").sessions]
    assert months == ["janvier", "février", "mars", "avril"]


def test_order_goes_from_emotions_to_relations_to_problem_solving(snap: Any) -> None:
    plan = build_progression(snap, "CE1", ["resoudre_difficultes", "relations_constructives", "conscience_emotions"], 4, 50)
    firsts = [LABEL_KEY[s.competences[0]] for s in plan.sessions]
    assert firsts.index("conscience_emotions") < firsts.index("relations_constructives")
    assert plan.sessions[-1].closing and "clôture" in plan.sessions[-1].reason
    # The reasons cite the guide's own words for the order.
    order_refs = [r for s in plan.sessions for r in s.reason_refs if "identification vers l'action" in r.snippet]
    assert order_refs and order_refs[0].source.endswith("construire-une-progression.md")


def test_slot_excludes_longer_sheets_and_says_so(snap: Any) -> None:
    plan = build_progression(snap, "CM1", ["reguler_emotions"], 3, 25)  # the only CM1 sheet takes 60 min
    assert not plan.sessions
    assert any("Réguler ses émotions" in g and "60 min" in g for g in plan.gaps)
    # up to twice the slot, the sheet is run over two slots, as the guide allows
    split = build_progression(snap, "CM1", ["reguler_emotions"], 3, 45)
    assert [(s.part, s.parts, s.duration_min) for s in split.sessions] == [(1, 2, 30), (2, 2, 30)]
    assert "menée en 2 créneaux de 45 min" in split.sessions[0].reason
    assert any("quitte à scinder la séance en deux moments" in r.snippet for r in split.sessions[0].reason_refs)
    # a sheet at most a quarter longer than the slot is shortened to fit it, not cut into halves weeks apart
    shortened = build_progression(snap, "CM1", ["reguler_emotions"], 3, 50)
    assert [(s.part, s.parts, s.duration_min) for s in shortened.sessions] == [(1, 1, 50)]
    assert "Fiche de 60 min à tenir en 50 min : raccourcir chaque temps." in shortened.sessions[0].reason
    longer = build_progression(snap, "CM1", ["reguler_emotions"], 3, 60)
    assert [s.duration_min for s in longer.sessions] == [60]
    assert any("2 restent à prévoir" in g for g in longer.gaps)


def test_two_part_sheet_takes_two_consecutive_sessions(snap: Any) -> None:
    plan = build_progression(snap, "3e", ["gerer_stress"], 2, 55)
    assert [(s.title.startswith("Brevet"), s.part) for s in plan.sessions] == [(True, 1), (True, 2)]
    assert build_progression(snap, "3e", ["gerer_stress"], 1, 55).sessions == []  # it does not fit in one


def test_unserved_level_is_reported(snap: Any) -> None:
    for level in ("lycée", "seconde", "BTS"):
        plan = build_progression(snap, level, ["communiquer"], 4, 55)
        assert plan.sessions == [] and "n'est pas couvert" in plan.gaps[0]


def test_ritual_and_period(snap: Any) -> None:
    plan = build_progression(snap, "CE2", ["conscience_emotions", "relations_constructives"], 3, 50, "novembre-février")
    assert plan.ritual is not None and "rituel" in fold(plan.ritual.snippet)
    assert [s.month for s in plan.sessions][0] == "novembre"
    months = [s.month for s in plan.sessions]
    assert months == sorted(months, key=["novembre", "décembre", "janvier", "février"].index)
    crowded = build_progression(snap, "CE2", ["conscience_emotions", "relations_constructives", "reguler_emotions"],
                                4, 50, "novembre")
    assert any("deux semaines" in text for text, _ in crowded.notes)


def test_a_default_progression_longer_than_the_base_sheets_goes_on_with_the_class_other_sheets(snap: Any) -> None:
    base = build_progression(snap, "CM1", [], 4, 60)
    plan = build_progression(snap, "CM1", [], 18, 60)
    keys = [LABEL_KEY[s.competences[0]] for s in plan.sessions]
    # the short plan's sheets are all kept (check_plan checks the guide's order)
    assert {s.source for s in base.sessions} < {s.source for s in plan.sessions}
    assert len(plan.sessions) > len(base.sessions)
    assert any(k not in ("conscience_de_soi", "conscience_emotions", "relations_constructives") for k in keys)
    check_plan(plan, snap, plan.competences)
    assert any("ne remplissent pas les 18 séances" in text for text, _ in plan.notes)
    # no sheet of the class left as a « neighbour » while sessions remain to plan
    assert not any("compétences voisines" in g for g in plan.gaps)
    # a competence asked is not widened
    asked = build_progression(snap, "CM1", ["conscience_emotions"], 18, 60)
    assert {LABEL_KEY[c] for s in asked.sessions for c in s.competences} & {"conscience_emotions"}
    assert not any("ne remplissent pas" in text for text, _ in asked.notes)


@pytest.mark.parametrize("text,sessions,period", [
    ("construire une progression CPS sur toute l'année en CM1, une séance tous les 15 jours environ", 18, "septembre-juin"),
    ("une progression pour mes CE2 ce trimestre, une séance par semaine", 12, None),
    ("progression CPS en 6e sur l'année scolaire, une fois par mois", 9, "septembre-juin"),
    # a year with no rhythm: the guide's annual example (ten sessions, one every three weeks), month by month
    ("progression en CM1 sur l'année", intent.ANNUAL_SESSIONS, "septembre-juin"),
    ("aide moi a construire une progression annuelle CPS pour une classe de CM1-CM2, periode par periode",
     intent.ANNUAL_SESSIONS, "septembre-juin"),
    ("une progression pour mes CE2, 6 séances de 45 min", 6, None),
    ("8 séances sur l'année pour mes CP, tous les 15 jours", 8, None),
    # the rhythm written with a slash or in days, the year as « pour l'année », the span as months
    ("progression pour l'année en GS, une séance / 3 semaines, 30 min max", 12, "septembre-juin"),
    ("progression CE2 cette année, 1 séance tous les 10 jours", 24, "septembre-juin"),
    ("une progression de septembre à juin pour mes CM1, une séance toutes les deux semaines", 18, "septembre-juin"),
    ("progression CM2 de janvier à juin, une séance par semaine sur les émotions", 22, "janvier-juin"),
    # the elision typed as a space (a tryout: « l annee » was read as the theme, and the plan refused)
    ("progression sur l annee pour mes CE2, une seance toutes les 3 semaines environ, 45 min max par seance", 12,
     "septembre-juin"),
])
def test_a_rhythm_over_a_span_gives_the_number_of_sessions(text: str, sessions: int, period: str | None) -> None:
    request = intent.parse(text)
    assert isinstance(request, intent.ProgressionRequest) and request.sessions == sessions
    assert request.period == period  # a rhythm over the school year spreads the sessions from September to June
    assert not any(month in " ".join(request.competences) for month in ("septembre", "janvier"))  # months are no theme


@pytest.mark.parametrize("text,minutes", [
    ("j'ai 25 min avec mes CE1", 25),
    ("une séance qui tienne en 30 min", 30),
    ("il me reste 20 min en fin de journée", 20),  # the end of the day is no day-long slot
    ("une formation d'une journée", 360),
    # how long pupils attend or hold still is no time the teacher has
    ("4e très dissipée, ils arrivent pas à se concentrer 5 min, toujours à penser à leur portable", None),
    ("ils restent pas assis 5 min", None),
    ("au bout de 10 minutes ils décrochent, une séance de 45 min ?", 45),
    ("ils tiennent pas 10 minutes sans bouger, j'ai une heure", 60),
])
def test_minutes_stated_is_the_time_the_teacher_has(text: str, minutes: int | None) -> None:
    assert intent.minutes_stated(fold(text)) == minutes


def test_duration_parsing() -> None:
    assert parse_duration("45 min") == (1, 45)
    assert parse_duration("2 × 55 min") == (2, 55)
    assert parse_duration("55 min (une h de cours)") == (1, 55)
    assert parse_duration("1 h 30") == (1, 90)
    assert parse_duration(None) is None and parse_duration("longue") is None


def test_allocate_adds_up() -> None:
    for total in (20, 45, 60, 90, 121, 180, 360):
        parts = allocate([1, 3, 2, 2, 3, 1], total)
        assert sum(parts) == total and min(parts) >= 1


@pytest.mark.parametrize("public,minutes,theme", [
    ("nouveaux enseignants", 180, "conduire une séance CPS"),
    ("équipe d'école", 90, "monter un projet CPS"),
    ("professionnels de santé", 45, "les émotions en maternelle"),
])
def test_workshop_outline_is_timed_and_cited(retriever: Retriever, snap: Any, public: str, minutes: int,
                                             theme: str) -> None:
    plan = build_workshop(retriever, public, minutes, theme)
    data = plan.to_json()
    assert sum(s["duration_min"] for s in data["sequence"]) == minutes
    assert any(s.key == "vivre" for s in plan.sequence)  # participants live an activity
    assert data["objectives"] and data["key_messages"] and data["handouts"]
    sources = set(snap.by_source)
    for item in data["sequence"] + data["key_messages"] + data["handouts"]:
        assert item["source"] in sources
    for ref in plan.refs():
        assert ref.snippet in snap.chunks[snap.index_of[ref.chunk_id]].text
    if minutes >= 90:
        assert any(s.key == "pratiquer" for s in plan.sequence)
    if "maternelle" in theme:
        lived = [s for s in plan.sequence if s.key == "vivre"]
        assert all(1 in snap.chunks[snap.index_of[s.ref.chunk_id]].doc.cycles for s in lived)


@pytest.mark.parametrize("text,theme", [
    ("Comment je construis une progression en numération pour mes CE1 ?", ["numération"]),
    ("6 séances de lecture compréhension pour des CP", ["lecture compréhension"]),
    ("une progression de 6 séances de 45 min pour mes CM1", []),
    ("une progression sur les compétences psychosociales pour mes CM1 sur l'année", []),
    ("6 séances d'estime de soi en CE1", ["estime de soi"]),
    # found by a tryout: the class written right after the subject hid it, and a CPS progression was planned
    ("progression en anglais cycle 3", ["anglais"]),
    ("une progression de 6 séances cycle 2", []),
    # found by the thirtieth session's tryout: of two competences named without a preposition, the first was lost
    ("progression CPS CE1 sur l'année période par période, émotions et coopération", ["émotions", "coopération"]),
    # found by the thirty-fourth session's tryout: « ensemble » was read as a competence, and no plan was proposed
    ("Comment répartir les compétences psychosociales sur l'ensemble d'un cycle 3, du CM1 à la 6e, pour éviter les redites ?", []),
    ("une progression sur la totalité de l'année sur la coopération en CM1", ["coopération"]),
    # found by the thirty-eighth session's tryout: « en m'appuyant sur les CPS » was the theme, and no plan was proposed
    ("CPE en collège : je dois préparer 2 séances de prévention du harcèlement pour les 6e en m'appuyant sur les CPS "
     "(empathie, s'affirmer). Quelle trame ?", ["empathie"]),
])
def test_the_theme_of_a_progression_is_what_follows_its_noun(text: str, theme: list[str]) -> None:
    # a school subject is read as the theme, so that the planner says the library has none on it
    req = intent.parse(text)
    assert isinstance(req, intent.ProgressionRequest) and req.competences == theme


@pytest.mark.parametrize("text,expected", [
    ("prépare-moi 6 séances sur les émotions pour mes CE2", ("progression", "CE2", 6)),
    # found by the thirtieth session's tryout: one teacher of a class is whom the plan is for, not a public to train
    ("Je suis conseillère pédagogique de circonscription. Une enseignante de CE1 me demande de l'aider à construire une "
     "progression CPS sur l'année, période par période. Tu peux me proposer un plan ?",
     ("progression", "CE1", intent.ANNUAL_SESSIONS)),
    ("Construis une progression de 8 séances de 50 min sur la coopération pour une classe de CM1, de novembre à février",
     ("progression", "CM1", 8)),
    ("Peux-tu me préparer 4 séances en cycle 3 sur la gestion du stress ?", ("progression", "cycle 3", 4)),
    ("prépare-moi 5 séances sur le stress pour des lycéens", ("progression", "lycéens", 5)),
    ("j'anime une demi-journée pour des néo-titulaires", ("atelier", "néo-titulaires", 180)),
    ("Je prépare une formation de 3 h pour des infirmières scolaires sur la gestion des émotions",
     ("atelier", "infirmières scolaires", 180)),
])
def test_chat_requests_fill_the_planner(text: str, expected: tuple[str, str, int]) -> None:
    req = intent.parse(text)
    if expected[0] == "progression":
        assert isinstance(req, intent.ProgressionRequest)
        assert (req.level, req.sessions) == expected[1:]
    else:
        assert isinstance(req, intent.WorkshopRequest)
        assert (req.public, req.minutes) == expected[1:]


@pytest.mark.parametrize("question", [
    "Comment animer une séance sur les émotions en CE1 ?",
    "Comment construire une progression CPS sur deux ans ?",
    "Que retenir de l'évaluation pour préparer une formation de formateurs ?",
    "Qu'est-ce que le programme En santé à l'école ? Qui le porte ?",
    "Une activité pour apprendre à coopérer en CE1",
    "Propose une séance sur la colère en CM1",
    "Quelle activité sur la colère pour des CM2 ?",
    "Un élève m'a confié qu'on le frappe à la maison, que faire ?",
    # a tryout (thirty-seventh session): « répartir » the turns of speech is no plan of sessions
    "en cercle de parole en cm2 c'est toujours les 3 mêmes qui parlent, des astuces pour répartir la parole ?",
    "Je dois tutorer des enseignants qui sortent de formation CPS. Comment organiser le suivi sur l'année ?",
    # fresh3: an office (« l'inspection ») is no audience; a training never had is no format asked for
    "Classe verte de 3 jours avec mes CE2 : quelle demande d'autorisation faire à l'inspection et dans quels délais ?",
    "Je débute et je n'ai jamais eu de formation ni d'intervenant dans ma classe. Par où je commence pour faire des CPS ?",
])
def test_ordinary_questions_are_not_plans(question: str) -> None:
    assert intent.parse(question) is None


@pytest.mark.parametrize(("follow_up", "fields"), [
    ("plutôt 45 min", {"minutes": 45, "level": "CM1", "sessions": 5}),
    ("et pour des CE1 ?", {"level": "CE1", "minutes": 60}),
    ("en 4 séances", {"sessions": 4}),
    ("plutôt 8", {"sessions": 8}),
    ("merci, et en 30 minutes pour des CP ?", {"minutes": 30, "level": "CP"}),
    ("plutôt sur la gestion des émotions", {"competences": ["gestion des émotions"], "sessions": 5}),
])
def test_a_short_follow_up_changes_the_plan_just_given(follow_up: str, fields: dict[str, Any]) -> None:
    request = intent.parse("prépare-moi 5 séances sur la coopération pour mes CM1")
    assert request is not None
    revised = intent.revise(request, follow_up)
    assert revised is not None
    assert {k: getattr(revised, k) for k in fields} == fields
    # what the conversation remembers reads back as the same request, so a second change applies to it
    again = intent.parse(intent.describe(revised))
    assert again is not None and (again.level, again.sessions, again.minutes, again.competences) == (
        revised.level, revised.sessions, revised.minutes, revised.competences)


def test_a_follow_up_changes_a_workshop_too() -> None:
    request = intent.parse("Comment je présente le programme à des collègues en conseil des maîtres en 20 minutes ?")
    assert isinstance(request, intent.WorkshopRequest)
    revised = intent.revise(request, "et pour des parents, en 45 min ?")
    assert isinstance(revised, intent.WorkshopRequest)
    assert (revised.public, revised.minutes, revised.theme) == ("parents", 45, "présenter le programme")
    assert intent.parse(intent.describe(revised)) == dataclasses.replace(revised, defaults=[])


@pytest.mark.parametrize("follow_up", [
    "c'est quoi le message clair ?", "merci", "comment je fais la 2e séance ?", "combien de temps dure la première ?",
    "une activité sur la colère pour des CE1 ?",
    "Et si un élève refuse de participer à la séance sur la coopération, je fais quoi avec lui pendant ce temps-là ?",
])
def test_questions_after_a_plan_are_not_changes_to_it(follow_up: str) -> None:
    request = intent.parse("prépare-moi 5 séances sur la coopération pour mes CM1")
    assert request is not None and intent.revise(request, follow_up) is None


def test_no_question_of_the_gold_sets_is_taken_for_a_plan() -> None:
    import yaml

    files = [CORPUS.parent / "eval" / name for name in ("gold.yaml", "fresh.yaml")]
    questions = [item["question"] for path in files if path.exists()
                 for item in yaml.safe_load(path.read_text(encoding="utf-8"))
                 if isinstance(item, dict) and item.get("question")]
    assert len(questions) > 100
    assert [q for q in questions if intent.parse(q) is not None] == []


@pytest.mark.parametrize("text,kind,fields", [
    ("Comment je présente le programme à des collègues en conseil des maîtres en 20 minutes ?", "atelier",
     {"minutes": 20, "public": "collègues", "theme": "présenter le programme"}),
    ("Je suis directrice, j'ai 20 minutes en conseil des maîtres pour convaincre l'équipe, comment je m'y prends ?",
     "atelier", {"minutes": 20}),
    ("réunion parents CP 30 min présenter les séances CPS", "atelier", {"minutes": 30, "public": "parents"}),
    ("Bonjour, conseillère pédagogique, je prépare une animation de 3 heures pour des enseignants de maternelle.",
     "atelier", {"minutes": 180, "public": "enseignants de maternelle"}),
    # tryout 33: « par quoi commencer ? » asks where a timed workshop for adults starts, not the order of the guide
    ("Je suis CPC et je prépare une animation pédagogique de 3h sur les compétences psychosociales pour des enseignants "
     "de cycle 2, par quoi commencer ?", "atelier", {"minutes": 180, "public": "enseignants de cycle 2"}),
    ("Comment organiser 6 séances sur l'empathie avec des CM2 ?", "progression", {"level": "CM2", "sessions": 6}),
    ("J'ai 30 minutes chaque vendredi avec mes CE1 pendant 7 semaines, que puis-je faire sur les émotions ?",
     "progression", {"level": "CE1", "sessions": 7, "minutes": 30}),
    ("6 séances émotions CE2 45 min", "progression", {"level": "CE2", "sessions": 6, "minutes": 45}),
    # found by the thirty-fourth session's tryout: « une période de 7 semaines » was left to the default six sessions
    ("Comment construire une progression sur une période de 7 semaines en CE2 autour des émotions ?", "progression",
     {"level": "CE2", "sessions": 7}),
])
def test_plan_requests_are_recognised_however_phrased(text: str, kind: str, fields: dict[str, Any]) -> None:
    req = intent.parse(text)
    assert isinstance(req, intent.WorkshopRequest if kind == "atelier" else intent.ProgressionRequest)
    for name, value in fields.items():
        assert getattr(req, name) == value, (name, req)


@pytest.mark.parametrize("question", [
    "Combien de séances compte la progression proposée ?",
    "Comment animer la séance du message clair ?",
    "Quelles compétences pour les CE2 ?",
    "Comment animer une séance de 45 minutes sur l'empathie en CM2 ?",  # one session for a class
    "Comment présenter le message clair en 20 minutes à mes CE1 ?",  # children, not adults
    "Comment une enseignante de CE2 a-t-elle organisé ses séances CPS sur l'année ?",  # what a document says
    "Je cherche une progression de grammaire pour mes CE2, vous avez ça ?",  # whether the library holds one
    "Séquence de 4 séances sur la coopération pour des CE2 : pouvez-vous m'aider à construire la deuxième ?",
    "On a une minute de silence demain pour un ancien professeur décédé. Comment l'expliquer à ma classe ?",
    "Je fais l'accueil du matin : une petite est déposée à 7h devant le portail fermé, les parents sont injoignables.",
    # found by a tryout: the order is the guide's to give; one sequence for a need in words is a sheet's
    "Comment construire une progression CPS sur deux années en cycle 3, dans quel ordre travailler les compétences ?",
    "Je suis prof principale de 3e, mes élèves sont morts de trouille pour l'oral du brevet. Une idée de séquence sur deux heures ?",
    # found by a tryout: the discussion time of one's own sessions is no meeting of adults
    "mes seances cps debordent tout le temps, prevu 45 min et au final jai jamais le temps de faire le temps d'echange a "
    "la fin. je raccourcis quoi ?",
    # found on fresh7: a fact asked with its question word last; a choice in their own plan
    "la formation de 3 jours de l'IREPS sur les cps des enfants et pre-ados, ca coute combien et c'est quand la prochaine session ?",
    "animation peda de 3h sur les cps pour des PE de ma circo : je commence par un apport theorique ou pas ?",
    "Réunion de 45 min avec les parents de CP, ça a lieu quand dans l'année d'habitude ?",
])
def test_questions_sharing_the_planning_vocabulary_are_not_plans(question: str) -> None:
    assert intent.parse(question) is None


def test_plan_intent_development_set_floor() -> None:
    """The whole labelled file (eval/dev_plan_intent.yaml): measured 247 messages, 0.996 intent accuracy,
    no false plan; the floors leave room for a deliberate trade-off, not for a regression."""
    from eval.plan_intent import load, score

    items = load()
    assert len(items) >= 200 and sum(it["label"] == "question" for it in items) >= 90
    s = score(items)
    assert s.accuracy >= 0.95, "\n".join(s.failures)
    assert s.false_plans <= 0.01, "\n".join(f for f in s.failures if f.lstrip().startswith("question"))
    assert s.field_accuracy >= 0.95, "\n".join(s.failures)


@pytest.mark.parametrize("minutes", [10, 20, 30])
def test_short_presentation_slot_is_a_presentation(retriever: Retriever, snap: Any, minutes: int) -> None:
    """A 10–30 min slot (conseil des maîtres, réunion de parents) gets an outline, not a refusal, and no
    round of introductions, group rules or practice round that a trainer would strike out."""
    plan = build_workshop(retriever, "collègues", minutes, "présenter le programme")
    keys = [s.key for s in plan.sequence]
    assert plan.sequence and sum(s.duration_min for s in plan.sequence) == minutes
    assert keys[0] == "presenter" and keys[-1] == "cloture"
    assert not {"accueil", "pratiquer", "analyser"} & set(keys)
    assert ("vivre" in keys) == (minutes >= 20)
    assert workshop_text(plan, snap, Citations()).startswith("**Intervention proposée — présenter le programme")
    for ref in plan.refs():
        assert ref.snippet in snap.chunks[snap.index_of[ref.chunk_id]].text
    assert any(s.key == "accueil" for s in build_workshop(retriever, "collègues", 60, "présenter le programme").sequence)


def test_plan_from_chat_returns_a_cited_answer(retriever: Retriever, snap: Any) -> None:
    # Free text needs the real model; keys work with any embeddings.
    answer = plan_from_chat("Prépare-moi 4 séances de 50 min sur conscience_emotions pour mes CE2", retriever)
    assert answer is not None and not answer.abstained
    assert "Progression proposée" in answer.answer and answer.citations
    for c in answer.citations:
        assert f"[{c.n}]" in answer.answer
        assert c.snippet in snap.chunks[snap.index_of[c.chunk_id]].text
    lycee = plan_from_chat("prépare-moi 5 séances sur communiquer pour des lycéens", retriever)
    assert lycee is not None and lycee.abstained and "n'est pas couvert" in lycee.answer
    assert plan_from_chat("Comment animer une séance sur les émotions en CE1 ?", retriever) is None


@pytest.mark.integration
def test_a_progression_asking_how_many_sessions_gets_what_the_guides_say(bundled_settings: Settings,
                                                                        bundled_embeddings: Any) -> None:
    # Found by a tryout: « combien de séances prévoir et dans quel ordre ? » got either no plan or a plan of six by
    # default with nothing on how many; the guides' passage on it now sits under the plan's heading.
    retriever = Retriever(bundled_settings, bundled_embeddings)
    snap = retriever.snapshot()
    answer = plan_from_chat("je veux faire une progression cps sur toute l'annee avec mes cm1, combien de seances "
                            "prevoir et dans quel ordre travailler les competences ?", retriever)
    assert answer is not None and "Progression proposée" in answer.answer
    block = answer.answer.split("**Combien de séances ?**")[1].split("\n\n")[0]
    assert "séances" in block and re.search(r"\d", block)
    for c in answer.citations:
        assert f"[{c.n}]" in answer.answer and c.snippet in snap.chunks[snap.index_of[c.chunk_id]].text
    given = plan_from_chat("Prépare-moi 4 séances de 50 min sur conscience_emotions pour mes CE2", retriever)
    assert given is not None and "Combien de séances ?" not in given.answer
    # one passage cited twice in a line reads as one marker, not « [3] [3] »
    assert not re.search(r"\[(\d+)\] \[\1\]", answer.answer)


def test_llm_presentation_is_verified_and_failures_keep_the_plan(retriever: Retriever, snap: Any) -> None:
    from assistant.backends import build_chat_model
    from tests.fake_llm_server import FakeChatServer

    request = "Prépare-moi 3 séances de 50 min sur conscience_emotions pour mes CE2"
    with FakeChatServer() as server:
        server.reply = ("Cette progression commence par repérer les émotions dans le corps, en 35 minutes [1]. "
                        "Les licornes dansent le tango sur la lune [1]. Une phrase sans source valable [9].")
        settings = retriever.settings.model_copy(update={
            "llm_provider": "openai", "llm_base_url": server.base_url, "llm_api_key": "test", "llm_model": "fake",
            "llm_timeout_s": 5.0})
        model = build_chat_model(settings, streaming=False)
        answer = plan_from_chat(request, retriever, chat_model=model)
        assert answer is not None and answer.mode == "llm"
        assert "repérer les émotions dans le corps" in answer.answer
        assert "licornes" not in answer.answer and "[9]" not in answer.answer.split("Progression proposée")[0]
        assert "Progression proposée" in answer.answer  # the plan itself is still there, cited
        prompt = server.requests[-1]["messages"][-1]["content"]
        assert "SOURCES" in prompt and "Où se cache mon émotion" in prompt
        for c in answer.citations:
            assert f"[{c.n}]" in answer.answer and c.snippet in snap.chunks[snap.index_of[c.chunk_id]].text
        server.status = 500
        fallback = plan_from_chat(request, retriever, chat_model=model)
        assert fallback is not None and fallback.mode == "extractive" and "Progression proposée" in fallback.answer


def test_exports_markdown_and_pdf(snap: Any, tmp_path: Path) -> None:
    plan = build_progression(snap, "CE2", ["conscience_emotions", "relations_constructives"], 3, 50)
    pages = export.progression_pages(plan)
    md = export.to_markdown(pages)
    assert md.count("# Séance ") == len(plan.sessions)
    assert "[^1]:" in md and "« " in md and "→" in md  # footnotes quote the passages, accents and arrows kept
    pdf = export.to_pdf(pages, tmp_path / "plan.pdf")
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1 + len(plan.sessions)  # a cover, then one page per session
    text = reader.pages[1].extract_text()
    assert "Séance 1" in text and "Pourquoi à cette place" in text and "[1]" in text
    assert "émotions" in text  # accents survive the font


def test_planning_is_fast(snap: Any, retriever: Retriever) -> None:
    build_progression(snap, "CE2", ["conscience_emotions"], 6, 45)  # warm
    t0 = time.perf_counter()
    for level in CLASSES:
        build_progression(snap, level, [c.key for c in COMPETENCES[:4]], 6, 55)
    per_plan = (time.perf_counter() - t0) / len(CLASSES)
    assert per_plan < 0.5, per_plan


def test_cli_progression_json_and_lycee(fake_settings: Settings, tmp_path: Path) -> None:
    env_cmd = [sys.executable, "-m", "assistant.cli"]
    env = {"CARTABLE_EMBEDDING_MODEL": FAKE_MODEL, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run(env_cmd + ["progression", "--level", "CE2", "--competence", "conscience_emotions",
                                    "--competence", "relations_constructives", "--sessions", "3", "--minutes", "50",
                                    "--json", "--store", str(fake_settings.store), "--pdf", str(tmp_path / "p.pdf")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"sessions", "gaps"}
    assert data["sessions"] and set(data["sessions"][0]) >= {"source", "title", "duration_min", "competences", "reason"}
    assert (tmp_path / "p.pdf").stat().st_size > 1000
    bad = subprocess.run(env_cmd + ["progression", "--level", "lycée", "--competence", "communiquer",
                                    "--store", str(fake_settings.store)], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 1 and "n'est pas couvert" in bad.stdout


@pytest.mark.integration
def test_cli_atelier_json(bundled_settings: Settings, tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    ws = subprocess.run([sys.executable, "-m", "assistant.cli", "atelier", "--public", "nouveaux enseignants",
                         "--minutes", "180", "--theme", "conduire une séance CPS", "--json",
                         "--store", str(bundled_settings.store)], capture_output=True, text=True, env=env, timeout=120)
    assert ws.returncode == 0, ws.stderr
    data = json.loads(ws.stdout)
    assert set(data) >= {"objectives", "sequence", "key_messages", "handouts", "gaps"}
    assert sum(s["duration_min"] for s in data["sequence"]) == 180


# -- integration: the real multilingual model ------------------------------------------------------
@pytest.mark.integration
@pytest.mark.parametrize("text,expected", [
    ("émotions", {"conscience_emotions", "reguler_emotions"}),
    ("coopération", {"relations_constructives"}),
    ("estime de soi", {"conscience_de_soi"}),
    ("savoir dire non", {"resoudre_difficultes"}),
    ("le stress", {"gerer_stress"}),
    ("la gestion des conflits", {"resoudre_difficultes"}),
    # school subjects whose cosine to a competence passes the bar (« anglais » 0.846): the scope model reads them
    ("anglais", set()),
    ("la conjugaison", set()),
])
def test_free_text_competences_with_the_real_model(bundled_embeddings: Any, text: str, expected: set[str]) -> None:
    from assistant.planning.competences import resolve

    (res,) = resolve([text], bundled_embeddings)
    assert set(res.keys) == expected, res


@pytest.mark.integration
def test_free_text_plans_with_the_real_model(bundled_settings: Settings, bundled_embeddings: Any) -> None:
    retriever = Retriever(bundled_settings, bundled_embeddings)
    snap = retriever.snapshot()
    plan = build_progression(snap, "CE2", ["émotions et coopération"], 6, 50, None, bundled_embeddings)
    assert {"conscience_emotions", "relations_constructives"} <= set(plan.competences)
    check_plan(plan, snap, plan.competences)
    unknown = build_progression(snap, "CE2", ["mathématiques"], 4, 45, None, bundled_embeddings)
    assert not unknown.sessions and any("ne correspond à aucune" in g for g in unknown.gaps)
    answer = plan_from_chat("prépare-moi 6 séances sur les émotions pour mes CE2", retriever, bundled_embeddings)
    assert answer is not None and answer.citations and "Où se cache mon émotion" in answer.answer
    ws = build_workshop(retriever, "nouveaux enseignants", 180, "conduire une séance CPS")
    assert any(m.ref.source.endswith("animer-une-seance-cps.md") for m in ws.key_messages)
    assert sum(s.duration_min for s in ws.sequence) == 180


def test_a_key_message_is_a_statement_that_stands_alone_and_is_not_made_up() -> None:
    # Found by a check from a fresh clone: a workshop's key messages included « Ou, plus subtil, une incohérence… »
    # and « **Scène fictive.** Pendant une séance… ».
    from assistant.extractive import states_an_answer
    from assistant.planning.workshop import _says_invented

    assert not states_an_answer("Ou, plus subtil, une incohérence entre les objectifs de la séance et l'attitude de l'animateur.")
    # an item of a list continues the sentence announcing it (« Deux repères… : - dans le programme régional… ; »)
    assert not states_an_answer("- dans le programme régional, la présentation décrit 6 à 10 séances par an en co-intervention ;")
    assert not states_an_answer("identifier les effets de chaque prestation sur le transfert de compétences aux enseignants.")
    assert states_an_answer("Une séance isolée ne suffit pas : les compétences se construisent dans la durée.")
    assert _says_invented("**Scène fictive.** Pendant une séance sur l'écoute, l'adulte répond à un élève…")
    assert not _says_invented("Pendant une séance sur l'écoute, l'adulte reformule ce que dit l'élève.")
    assert _says_invented("Exemple imaginé pour une classe de CM1-CM2 d'une école élémentaire de Sarthe.")
    assert _says_invented("Exemple de progression annuelle en cycle 3 (illustratif)")
    # Found by a tryout: « Il est préférable de les construire avec les élèves » (the rules, never named), « …suffisent
    # souvent à créer cette cohérence », « Sa stratégie consistait à… » were key messages
    from assistant.planning.workshop import _a_message

    assert not _a_message("Il est préférable de les construire avec les élèves lors de la première séance.")
    assert not _a_message("Une réunion de présentation en début d'année, puis un point à chaque période, suffisent souvent "
                          "à créer cette cohérence.")
    assert not _a_message("Sa stratégie consistait à transférer aux enseignants les compétences nécessaires.")
    assert _a_message("Les enfants apprennent autant en regardant les adultes qu'en les écoutant.")
    # Found by a tryout: sentences about what the writer could check were a parents' meeting's key messages
    assert not _a_message("Les recommandations détaillées n'ont pas pu être lues par les auteurs de cette synthèse.")
    assert not _a_message("Les sources datent le déploiement de 2015 à 2018, mais une autre source écrit 2017.")
    assert not _a_message("Si la lecture « compétence des intervenants » se confirme, elle rappelle un point clé.")


def test_a_section_about_the_documents_sources_gives_no_key_message() -> None:
    from assistant.planning.workshop import _invented

    def chunk(*headings: str) -> Chunk:
        return Chunk("c", DocMeta(source="corpus/evaluation/synthese.pdf", title="Synthèse"), "texte", 0, heading_path=headings)

    assert _invented(chunk("Sources utilisées"))
    assert _invented(chunk("Points de vigilance sur les sources"))
    assert _invented(chunk("Pour aller plus loin"))
    assert not _invented(chunk("La conclusion de l'évaluation"))


def test_a_workshop_s_evaluation_message_is_what_the_evaluation_found(bundled_settings: Settings,
                                                                       bundled_embeddings: Any) -> None:
    # Found by a tryout: a workshop on children's emotions gave, as the evaluation's key message, « Le chiffre de 7 000
    # enfants est présenté par l'ARS comme une estimation. » (a passage naming « enfants »), whatever its theme
    ws = build_workshop(Retriever(bundled_settings, bundled_embeddings), "enseignants", 120, "la gestion des conflits")
    found = [m.text for m in ws.key_messages if m.ref.doc_type == "evaluation"]
    assert any("conclut à une réussite" in text for text in found), found


def test_a_document_s_preamble_gives_no_key_message(bundled_settings: Settings, bundled_embeddings: Any) -> None:
    # Found by the thirty-fifth session's tryout: presenting the cartable in 45 minutes, two of three key messages were
    # the guides' notice « Guide rédigé pour Cartable Assistant : ce n'est pas un document officiel… »
    ws = build_workshop(Retriever(bundled_settings, bundled_embeddings), "collègues", 45, "présenter le cartable CPS")
    assert ws.key_messages
    assert not [m.text for m in ws.key_messages if "rédigé pour Cartable Assistant" in m.text], ws.key_messages


def test_a_plan_opening_past_the_guides_first_steps_says_what_would_come_first(snap: Any) -> None:
    # a tryout: session 1 of a CE1 cooperation plan read « la relation au groupe après le travail sur soi »
    plan = build_progression(snap, "CE1", ["relations_constructives"], 3, 45)
    assert plan.sessions and "après le travail sur soi" not in plan.sessions[0].reason
    assert "installer d'abord" in plan.sessions[0].reason
    opening = build_progression(snap, "CE1", ["conscience_emotions", "relations_constructives"], 3, 50)
    assert "Identifier d'abord" in opening.sessions[0].reason


def test_a_workshop_for_a_public_with_no_class_lives_a_primary_activity(retriever: Retriever, snap: Any) -> None:
    # a tryout: AESH lived a 4e-3e role-play of 2 × 55 min squeezed into 30 min
    for public in ("AESH", "animateurs périscolaires"):
        lived = [s for s in build_workshop(retriever, public, 120, "animer une séance CPS").sequence if s.key == "vivre"]
        assert lived and all(set(snap.chunks[snap.index_of[s.ref.chunk_id]].doc.cycles) & {1, 2, 3} for s in lived)
    lived = [s for s in build_workshop(retriever, "CPE de collège", 120, "le harcèlement").sequence if s.key == "vivre"]
    assert lived and all(set(snap.chunks[snap.index_of[s.ref.chunk_id]].doc.cycles) & {3, 4} for s in lived)


def test_the_role_opening_a_message_is_who_asks_not_a_public_to_train() -> None:
    # Found by the thirty-eighth session's tryout: a head teacher organising a CPS week for the whole school got a
    # 360-minute workshop « public : Directrice ».
    assert intent.parse("Directrice d'une école primaire (3 classes maternelle, 5 élémentaire) : je voudrais organiser une "
                        "journée ou une semaine CPS commune à toute l'école, comment s'y prendre ?") is None
    req = intent.parse("Formatrice : atelier de 2h pour des parents sur la colère, un déroulé ?")
    assert isinstance(req, intent.WorkshopRequest) and req.public == "parents" and req.minutes == 120
    # nor the adult who runs a session with the teacher: the same tryout's GS workshop « avec l'atsem » was a training
    assert intent.parse("gs ils veulent tous etre le chef dans les jeux de construction. un truc pour apprendre a se mettre "
                        "d'accord ? atelier de 6 avec l'atsem, 20 min") is None
    req = intent.parse("un atelier de 1h avec les parents sur la colère")
    assert isinstance(req, intent.WorkshopRequest) and req.public == "parents"


def test_a_workshop_request_reads_its_theme_and_its_public_s_children() -> None:
    # Found by the thirty-seventh session's tryout: « …aider les parents à accompagner les colères… à la maison » was a
    # workshop on « maison », for parents of no class, and lived a CM2-6e sheet on exam stress.
    req = intent.parse("soirée parents en maternelle, 1 h : je voudrais un atelier pour aider les parents à accompagner "
                       "les colères et les pleurs de leur enfant à la maison, quel déroulé ?")
    assert isinstance(req, intent.WorkshopRequest)
    assert req.theme.startswith("colères") and req.public == "parents (PS, MS, GS)"
    # a theme said outright comes before a place; a public that says its children is not told them twice
    req = intent.parse("un atelier de 2 h à la médiathèque sur la colère pour les parents de maternelle")
    assert isinstance(req, intent.WorkshopRequest) and req.theme == "colère" and req.public == "parents de maternelle"


@pytest.mark.integration
def test_a_workshop_not_about_protection_takes_no_key_message_from_the_protection_guide(bundled_settings: Settings,
                                                                                       bundled_embeddings: Any) -> None:
    # the same tryout's evening on anger gave parents « Service créé le 1er février 1995… » (Fil Santé Jeunes)
    retriever = Retriever(bundled_settings, bundled_embeddings)
    guide = retriever.protection_guide()
    assert guide is not None and "protection" in guide
    ws = build_workshop(retriever, "parents (PS, MS, GS)", 60, "colères et les pleurs de leur enfant à la maison")
    assert ws.key_messages and all(m.ref.source != guide for m in ws.key_messages)
    lived = [s for s in ws.sequence if s.key == "vivre"]
    assert lived and all(s.ref.source.startswith("corpus/seances/cycle1/") for s in lived)
    ws = build_workshop(retriever, "enseignants", 120, "que faire quand un élève révèle une situation de danger")
    assert any(m.ref.source == guide for m in ws.key_messages)


def test_a_plan_with_no_length_given_takes_the_longest_sheet_of_its_cycle(retriever: Retriever, snap: Any) -> None:
    # Found by the thirty-sixth session's tryout: « une progression sur tout le cycle 1 » planned 60-minute sessions for
    # maternelle sheets of 20 to 35 minutes.
    longest = {c: max(s.minutes for s in sheets(snap) if c in cycles_of(s.doc.levels)) for c in (1, 3)}
    assert sheet_minutes(snap, "cycle 1", 60) == longest[1] < 60
    assert sheet_minutes(snap, "CM1", 45) == longest[3]
    assert sheet_minutes(snap, "seconde", 60) == 60  # no sheet for the lycée: the default
    answer = plan_from_chat("Une progression CPS pour mes GS", retriever)
    assert answer is not None and f"séance(s) de {longest[1]} min" in answer.answer
    assert f"{longest[1]} min par séance" in answer.answer  # still said to be a default, to adjust
    # a length given stays the teacher's
    answer = plan_from_chat("Une progression CPS de 4 séances de 20 min pour mes GS", retriever)
    assert answer is not None and "séance(s) de 20 min" in answer.answer
