"""Comparisons are read into their sides, each side is retrieved on its own, and the answer shows every
side under its own heading, a passage that speaks of all of them first."""

from __future__ import annotations

import pytest

from assistant import comparison


@pytest.mark.parametrize(("question", "expected"), [
    ("quelle est la différence entre le message clair et le tapis de la paix ?", ["le message clair", "le tapis de la paix"]),
    ("Je mélange tout : quelle est la difference entre le cartable des CPS et En santé à l'école ?",
     ["le cartable des CPS", "En santé à l'école"]),
    ("en quoi le message clair diffère-t-il du tapis de la paix ?", ["le message clair", "tapis de la paix"]),
    ("qu'est-ce qui distingue une information préoccupante d'un signalement ?", ["une information préoccupante", "un signalement"]),
    ("message clair vs tapis de la paix", ["message clair", "tapis de la paix"]),
    ("Comparer le thermomètre de la colère et la météo des émotions, svp", ["le thermomètre de la colère", "la météo des émotions"]),
    # a lone adjective shares the first side's noun; a pronoun stands for it
    ("Quelle différence entre compétences sociales, émotionnelles et cognitives ?",
     ["compétences sociales", "compétences émotionnelles", "compétences cognitives"]),
    ("Quelle différence entre les co-interventions de 2001-2014 et celles d'En santé à l'école ? Les chiffres ne collent pas.",
     ["les co-interventions de 2001-2014", "les co-interventions d'En santé à l'école"]),
])
def test_the_sides_of_a_comparison(question: str, expected: list[str]) -> None:
    assert comparison.sides(question) == expected


@pytest.mark.parametrize("question", [
    "Information préoccupante ou signalement : c'est quoi la différence, en gros ?",  # one passage compares them
    "je voudrais comparer les deux séances",
    "Qu'est-ce que le message clair ?",
    "une activité sur la colère en CE1",
])
def test_questions_that_name_no_two_sides(question: str) -> None:
    assert comparison.sides(question) == []


def test_a_text_speaks_of_a_side_by_its_rare_words_and_notices_do_not_count() -> None:
    idf = {"messag": 2.0, "clair": 2.0, "tapi": 3.0, "paix": 3.0}.get
    texts = ["*Exemple fictif : le message clair et le tapis de la paix.*\nUn autre sujet.",
             "Le message clair aide à dire ce qui ne va pas.",
             "Le tapis de la paix prolonge le message clair."]
    assert comparison.mentions(texts[1], "le message clair", lambda t: idf(t) or 0.0)
    assert not comparison.mentions(texts[1], "le tapis de la paix", lambda t: idf(t) or 0.0)
    assert comparison.speaks_of_all(texts, ["le message clair", "le tapis de la paix"], lambda t: idf(t) or 0.0) == 2


@pytest.mark.integration
def test_comparing_two_sheets_shows_both_sheets(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = bundled_assistant.ask("Quelle est la différence entre le message clair et le tapis de la paix ?")
    assert not answer.abstained
    sources = {c.source for c in answer.citations}
    assert {"corpus/seances/cycle2/message-clair.md", "corpus/seances/cycle1/tapis-de-la-paix.md"} <= sources, sources
    assert answer.answer.count("**Objectifs**") == 2


@pytest.mark.integration
def test_comparing_two_programmes_introduces_each(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = bundled_assistant.ask("Je mélange tout : quelle est la différence entre le cartable des CPS et En santé à l'école ?")
    text = answer.answer.lower()
    assert "### le cartable des cps" in text and "### en santé à l'école" in text
    assert "site internet ressource" in text and "programme expérimental" in text
