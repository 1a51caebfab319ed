"""A message asking several things: its questions, the kind of answer each asks, and the sentence added for each."""

from __future__ import annotations

import pytest

from assistant import sub_questions
from assistant.extractive import Citations, factual_answer
from assistant.lexical import analyze
from assistant.retrieve import Hit
from assistant.schema import Chunk, DocMeta


@pytest.mark.parametrize(("message", "questions"), [
    ("En santé à l'école, c'est quoi ce programme ? C'était pour quelles classes ?",
     ["En santé à l'école, c'est quoi ce programme", "C'était pour quelles classes"]),
    ("combien de médiateurs, formés comment ?", ["combien de médiateurs", "formés comment"]),
    ("le rapport a été présenté quand et ou ?", ["le rapport a été présenté quand", "ou"]),
    ("comment on forme les médiateurs et quelles limites ?", ["comment on forme les médiateurs", "quelles limites"]),
    ("il faut combien d'adultes, et y a des questions à éviter ?", ["il faut combien d'adultes", "et y a des questions à éviter"]),
    # one question: a list of things, a clause of time, « et » inside a request
    ("une activité sur la colère et la tristesse en CP ?", ["une activité sur la colère et la tristesse en CP"]),
    ("Comment réagir quand un élève pleure, et que dire aux parents ?", ["Comment réagir quand un élève pleure, et que dire aux parents"]),
    ("qui finance et pilote le programme ?", ["qui finance et pilote le programme"]),
    # what the asker says of themself before asking is no part of the question; where to look is
    ("bonjour je viens d'arriver comme infirmière, on m'a parlé du programme, il a duré de quand à quand et combien "
     "d'écoles ont participé ?", ["il a duré de quand à quand", "combien d'écoles ont participé"]),
    ("Dans le récit sur la formation, la préparation a duré combien de temps et elle commençait par quoi ?",
     ["Dans le récit sur la formation, la préparation a duré combien de temps", "elle commençait par quoi"]),
    # found by the thirty-second session's tryout: options offered after a question answer it, they ask nothing (they
    # got a sentence of their own, chosen for « grille » in « une bonne grille pour préparer son année »)
    ("Quels outils pour évaluer si les élèves progressent ? questionnaire, grille d'observation ?",
     ["Quels outils pour évaluer si les élèves progressent ? questionnaire, grille d'observation"]),
    ("c'est quoi ce programme ? ses partenaires ?", ["c'est quoi ce programme", "ses partenaires"]),
    ("Jeudi dernier, au mois de mars, la séance a duré combien de temps et qui l'animait ?",
     ["Jeudi dernier, au mois de mars, la séance a duré combien de temps", "qui l'animait"]),
    # found by the thirty-fourth session's tryout: « est-ce que » asks a question of its own (« est-ce qu' » did only)
    ("Qui finance ce dispositif et est-ce que l'école doit payer quelque chose ?",
     ["Qui finance ce dispositif", "est-ce que l'école doit payer quelque chose"]),
])
def test_a_message_is_split_into_the_questions_it_asks(message: str, questions: list[str]) -> None:
    assert sub_questions.split(message) == questions


@pytest.mark.parametrize(("question", "kind"), [
    ("C'était pour quelles classes", "level"),
    ("Et qui l'a menée", "who"),
    ("présenté quand et où", "where"),
    ("depuis quand", "date"),
    ("il a duré de quand à quand", "date"),
    ("combien de médiateurs", "count"),
    ("formés comment", None),
])
def test_the_kind_of_answer_each_question_asks(question: str, kind: str | None) -> None:
    assert sub_questions.kind_asked(question) == kind


def test_a_sentence_gives_the_kind_asked_or_not() -> None:
    level = sub_questions.SubQuestion("pour quelles classes", frozenset(), "level")
    assert sub_questions.gives(level, "Cibler les enfants, en priorité en cycle 3 (CM1, CM2, 6e).")
    assert not sub_questions.gives(level, "La démarche entre dans sa troisième phase.")  # an ordinal, not a class
    who = sub_questions.SubQuestion("qui a mené l'évaluation d'En santé à l'école", frozenset(), "who",
                                    "qui a mené l'évaluation d'En santé à l'école, et comment ?")
    assert sub_questions.gives(who, "L'évaluation a été confiée au cabinet Planète Publique.")
    assert not sub_questions.gives(who, "Les enquêtes d'En santé à l'école ont eu lieu au début et à la fin.")  # named by the asker
    where = sub_questions.SubQuestion("où", frozenset(), "where")
    assert sub_questions.gives(where, "Il a été présenté lors d'un colloque à Angers.")
    assert not sub_questions.gives(where, "Agence régionale de santé des Pays de la Loire : page de présentation.")
    count = sub_questions.SubQuestion("combien de médiateurs", frozenset({"mediateur"}), "count")
    assert sub_questions.gives(count, "Douze médiateurs ont été formés.")
    assert not sub_questions.gives(count, "Les médiateurs ont été formés.")


@pytest.mark.parametrize(("question", "asks"), [
    ("Qui a porté le programme En santé à l'école ?", True),
    ("En santé à l'école : qui était derrière, qui pilotait et qui coordonnait ?", True),
    ("L'évaluation, elle a été faite par qui ?", True),
    ("Qui étaient les partenaires du programme ?", True),
    ("qui a créé le cartable ?", True),
    ("qui peut animer une séance CPS ?", False),
    ("qui contacter si un élève se confie ?", False),
    # tryout 33: « qui » of a relative clause, with a reflexive verb, got the programme's partners
    ("comment accompagner une equipe d'ecole qui veut se lancer dans le programme ?", False),
    ("une école qui s'est lancée l'an dernier, ils ont fait comment ?", False),
])
def test_a_question_asks_who_ran_something_or_not(question: str, asks: bool) -> None:
    assert sub_questions.asks_agent(question) is asks


@pytest.mark.parametrize(("text", "states"), [
    ("L'évaluation a été confiée au cabinet Planète Publique.", True),
    ("- **Coordination** : l'**IREPS Pays de la Loire**, associée à l'ANPAA.", True),
    ("Le cartable est un site créé en **2011** par l'IREPS Pays de la Loire.", True),
    ("lancé à l’initiative de l'Agence régionale de santé (ARS).", True),
    # a word of agency with no name after it in its clause
    ("Selon l'ARS, le rapport analyse :\n- le **pilotage** du programme ;\n- les modalités de transfert.", False),
    ("Les enseignants engagés dans le projet ont aimé les séances.", False),
])
def test_a_text_says_who_did_something_when_a_name_follows_the_word_of_agency(text: str, states: bool) -> None:
    assert sub_questions.states_agent(text) is states


def test_who_ran_something_is_answered_by_a_sentence_saying_so_not_by_any_name() -> None:
    who = sub_questions.SubQuestion("qui pilotait", frozenset(), "who", "En santé à l'école : qui pilotait ?")
    assert sub_questions.gives(who, "Engagés pendant trois ans : l'ARS Pays de la Loire et le Rectorat.")
    assert not sub_questions.gives(who, "La présentation de 2021 cite l'ESPE et l'ISFEC dans le cadre institutionnel.")
    assert sub_questions.kind_asked("et qui coordonnait ?") == "who"


DOC = DocMeta(source="corpus/retours/programme.md", title="Le programme en bref", doc_type="presentation")


def _chunk(ordinal: int, text: str, section: str) -> Chunk:
    return Chunk(id=f"{DOC.source}#{ordinal}", doc=DOC, text=text, ordinal=ordinal, heading_path=(section,))


def test_each_later_question_gets_the_sentence_that_answers_it() -> None:
    chunks = [_chunk(0, "Le programme transfère aux enseignants les compétences pour conduire eux-mêmes les actions.", "En bref"),
              _chunk(1, "Les enseignants sont formés sur deux années. Le bilan est relu en conseil d'école.", "Objectifs"),
              _chunk(2, "Le bilan a été présenté lors d'un colloque à Angers.", "Bilan")]
    chunks += [_chunk(3 + i, f"Une séance de {topic} se prépare en équipe.", topic) for i, topic in enumerate(("colère", "écoute", "choix"))]
    message = "Le programme, il transfère quoi aux enseignants ? Et le bilan, il a été présenté où ?"
    passages = [Hit(c, 1.0 - 0.1 * c.ordinal) for c in chunks]
    answer = factual_answer(analyze(message), [], lambda _t: 1.0, Citations(), passages=passages,
                            subs=sub_questions.read(message, analyze))
    label = "Sur « Et le bilan, il a été présenté où ? » :"
    assert label in answer
    assert answer.split(label)[1].split("\n\n")[1].startswith("> Le bilan a été présenté lors d'un colloque à Angers.")
    # a question the opening already answers gets nothing more, nor one whose words only a later passage has
    for asked in ("Le programme, il transfère quoi aux enseignants ? à qui ?",
                  "Le programme, il transfère quoi aux enseignants ? et en conseil ?"):
        single = factual_answer(analyze(asked), [], lambda _t: 1.0, Citations(), passages=passages,
                                subs=sub_questions.read(asked, analyze))
        assert "Sur «" not in single, asked


def test_a_kind_the_opening_already_gives_is_not_answered_twice() -> None:
    chunks = [_chunk(0, "Le programme a démarré en 1998, pour les enfants de 7 à 12 ans.", "Histoire"),
              _chunk(1, "Âge du public : 7-12 ans selon le programme.", "Sources")]
    chunks += [_chunk(2 + i, f"Une séance de {topic} se prépare en équipe.", topic) for i, topic in enumerate(("colère", "écoute", "choix"))]
    message = "le premier programme il date de quand et c'était pour quel âge ?"
    answer = factual_answer(analyze(message), [], lambda _t: 1.0, Citations(), passages=[Hit(c, 1.0 - 0.1 * c.ordinal) for c in chunks],
                            subs=sub_questions.read(message, analyze))
    assert "Sur «" not in answer


def test_a_question_whose_sentence_the_opening_shows_is_not_answered_twice() -> None:
    # Found by the thirty-fourth session's tryout: « Qui finance ce dispositif et est-ce que l'école doit payer… ? »
    # opened on « Engagés pendant trois ans : l'ARS… », then quoted it again under « Sur « Qui finance ce dispositif ? » ».
    chunks = [_chunk(0, "Engagés pendant trois ans : l'ARS Pays de la Loire et le Rectorat.\nCoordination : l'IREPS.",
                     "Partenaires et coordination")]
    chunks += [_chunk(1 + i, f"Une séance de {topic} se prépare en équipe.", topic) for i, topic in enumerate(("colère", "écoute", "choix"))]
    message = "Qui finance ce dispositif et est-ce que l'école doit payer quelque chose ?"
    answer = factual_answer(analyze(message), [], lambda _t: 1.0, Citations(), passages=[Hit(c, 1.0 - 0.1 * c.ordinal) for c in chunks],
                            subs=sub_questions.read(message, analyze))
    assert "Engagés pendant trois ans" in answer and "Sur « Qui finance ce dispositif ? »" not in answer


def test_who_ran_it_and_a_count_of_something_named_are_answered_from_where_the_library_says_so() -> None:
    # Found by the thirty-first session's tryout: « qui le porte ? » got a passing « porté par l'Académie » in what came
    # after the programme, and « combien d'écoles ? » nothing (its table row shares no other word of the question).
    chunks = [_chunk(0, "Le programme transfère aux enseignants les compétences pour conduire eux-mêmes les actions.", "En bref"),
              _chunk(1, "La démarche se poursuit dans un programme académique, porté par l'Académie de Nantes.", "Et après ?"),
              _chunk(2, "Coordination : l'IREPS Pays de la Loire, associée à l'ANPAA.", "Partenaires et coordination")]
    chunks += [_chunk(3 + i, f"Une séance de {topic} se prépare en équipe.", topic) for i, topic in enumerate(("colère", "écoute", "choix"))]
    chunks.append(_chunk(9, "| Indicateur | Valeur | Source |\n|---|---|---|\n| Écoles | **91** | ARS, rapport final |", "Chiffres clés"))
    message = "Le programme c'est quoi, qui le porte, et combien d'écoles y participent ?"
    answer = factual_answer(analyze(message), [], lambda _t: 1.0, Citations(), passages=[Hit(c, 1.0 - 0.1 * c.ordinal) for c in chunks],
                            subs=sub_questions.read(message, analyze))
    assert answer.split("Sur « qui le porte ? » :")[1].split("\n\n")[1].startswith("> Coordination : l'IREPS")
    assert answer.split("Sur « et combien d'écoles y participent ? » :")[1].split("\n\n")[1].startswith("> Écoles : **91**")
