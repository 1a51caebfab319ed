"""Unknown nouns as an abstention signal: the tagger, their detection in `relevance.assess`, their weight."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant import relevance
from assistant.nouns import nouns
from assistant.relevance import Relevance
from assistant.settings import ABSTENTION_FEATURES, ABSTENTION_WEIGHTS, BUNDLED_MODEL, Settings

WEIGHTS = ABSTENTION_WEIGHTS[BUNDLED_MODEL]


def test_the_tagger_finds_what_a_question_is_about() -> None:
    assert {"menu", "cantine"} <= set(nouns("Qu'est-ce qu'il y a au menu de la cantine cette semaine ?"))
    assert "poux" in nouns("comment traiter les poux dans ma classe de maternelle ?")
    # how it is said is not what it is about
    said = nouns("ma classe de CE2 est incapable de bosser en groupe, ils se chamaillent tout le temps")
    assert "chamaillent" not in said and "bosser" not in said


def _hit(text: str, dense: float) -> SimpleNamespace:  # assess reads `.chunk.indexed_text` and `.dense`
    return SimpleNamespace(chunk=SimpleNamespace(indexed_text=text), dense=dense)


def test_assess_reports_the_unknown_nouns_not_the_unknown_verbs() -> None:
    library = {"cantin": 2.0, "lund": 2.0, "group": 1.0, "classe": 0.5, "seanc": 1.0, "an": 1.0}

    def idf(term: str) -> float:
        return library.get(term, 0.0)

    hits = [_hit("lundi matin, contrôle, cantine, soirée", 0.82)] * 8
    menu = relevance.assess(["menu", "cantin", "lund"], hits, idf, 5.0, question="c'est quoi le menu de la cantine lundi ?")
    # « lundi » says when, not what about (lexical.FRAMING): the nouns are « menu » and « cantine »
    assert menu.unknown_nouns == ("menu",) and menu.unknown_noun_share == pytest.approx(1 / 2)
    verbs = relevance.assess(["chamaillent", "group"], hits, idf, 5.0, question="en groupe ils se chamaillent")
    assert verbs.unknown == ("chamaillent",) and verbs.unknown_nouns == () and verbs.unknown_noun_share == 0.0
    # « au minimum » says how much, like « combien »: not a subject the library lacks
    bound = relevance.assess(["seanc", "an", "minimum"], hits, idf, 5.0, question="combien de séances par an au minimum ?")
    assert bound.unknown == () and bound.unknown_nouns == ()
    # without the question as typed (a side of a comparison, say), nothing is tagged
    assert relevance.assess(["menu", "cantin"], hits, idf, 5.0).unknown_nouns == ()


def test_an_unknown_noun_lowers_the_answerability_score() -> None:
    base = dict(coverage=0.6, dense=0.83, informative_terms=2, margin=0.01)
    plain = Relevance(**base)
    about_something_else = Relevance(**base, unknown=("menu",), unknown_nouns=("menu",), unknown_noun_share=0.5)
    assert len(plain.features()) == ABSTENTION_FEATURES == len(WEIGHTS) - 1
    assert about_something_else.score(WEIGHTS) < plain.score(WEIGHTS)


def test_weights_of_the_wrong_length_are_refused_with_a_french_reason() -> None:
    with pytest.raises(ValueError, match="abstention_weights.*8 nombres"):
        Settings(abstention_weights=(1.0, 2.0, -1.0))
