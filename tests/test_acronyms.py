"""Acronyms read from the library's own spelled-out forms, and questions about them searched by meaning."""

from __future__ import annotations

from assistant.acronyms import expand, glossary, spell_out_named
from assistant.vocabulary import fold

LIBRARY = [
    "Un programme régional de renforcement des compétences psychosociales (CPS) mené en milieu scolaire.",
    "Créé par l'IREPS Pays de la Loire (Instance régionale d'éducation et de promotion de la santé).",
    "- **ARS** : Agence régionale de santé ; elle pilote le Projet régional de santé (PRS).",
    "Les conseillers pédagogiques de circonscription (CPC) accompagnent les équipes.",
    "Le rapport complet (PDF) est en ligne.",
]


def test_the_glossary_reads_the_three_ways_a_library_spells_an_acronym_out() -> None:
    known = glossary(LIBRARY)
    assert known["CPS"] == "compétences psychosociales"
    assert known["IREPS"] == "Instance régionale d'éducation et de promotion de la santé"
    assert known["ARS"] == "Agence régionale de santé"
    assert known["PRS"] == "Projet régional de santé"
    assert known["CPC"] == "conseillers pédagogiques de circonscription"
    assert "PDF" not in known  # « rapport complet » does not spell PDF


def test_only_questions_about_what_an_acronym_is_are_rewritten() -> None:
    known = glossary(LIBRARY)
    assert expand("c'est quoi les CPS ?", known) == "c'est quoi les compétences psychosociales ?"
    assert expand("cps ça veut dire quoi ??", known) == "compétences psychosociales ça veut dire quoi ??"
    assert expand("IREPS ?", known) == "Instance régionale d'éducation et de promotion de la santé ?"
    assert expand("Qu'est-ce que l'ARS ?", known) == "Qu'est-ce que l'Agence régionale de santé ?"
    # what it is for is asked in the same words as what it is
    assert expand("les CPS ça sert à quoi ?", known) == "les compétences psychosociales ça sert à quoi ?"
    # what comes before the question, in a clause of its own, does not hide it
    assert expand("je débarque dans l'équipe, les CPS concrètement c'est quoi ?", known) == \
        "je débarque dans l'équipe, les compétences psychosociales concrètement c'est quoi ?"
    # what follows the question does not hide it
    assert expand("cps ça veut dire quoi ?? on m'en parle partout", known) == \
        "compétences psychosociales ça veut dire quoi ?? on m'en parle partout"
    for unchanged in ("Combien de séances CPS pour des CM1 ?", "Qui finance l'ARS en 2020 ?", "c'est quoi la FNES ?",
                      "Sirena CPS, c'est quoi ?"):
        assert expand(unchanged, known) == unchanged


def test_a_spelled_out_form_with_its_own_article_replaces_the_question_s_article() -> None:
    known = {"ARS": "l'Agence régionale de santé", "CPS": "compétences psychosociales"}
    assert expand("c'est l'ARS ?", known) == "c'est l'Agence régionale de santé ?"
    assert expand("ARS ?", known) == "l'Agence régionale de santé ?"
    assert expand("c'est quoi les CPS ?", known) == "c'est quoi les compétences psychosociales ?"


def test_a_rare_acronym_the_library_also_says_in_words_is_searched_with_them() -> None:
    # Found by a tryout: « en lien avec les programmes (EMC, parcours éducatif de santé) ? » was declined, the passages
    # found not naming the EMC, while a guide says « Les séances s'appuient sur l'enseignement moral et civique ».
    known = {"EMC": "l'enseignement moral et civique", "CPS": "compétences psychosociales",
             "ANPAA": "Association nationale de prévention en alcoologie et addictologie"}
    texts = [fold(t) for t in ("Les séances s'appuient sur l'enseignement moral et civique.",
                               "En lien avec l'enseignement moral et civique (EMC) et le français.",
                               "Les compétences psychosociales se travaillent en classe.",
                               "L'ANPAA (Association nationale de prévention en alcoologie et addictologie) intervient.")]
    rare = lambda word: word != "cps"  # noqa: E731  (CPS: in most passages of a library on them)
    assert spell_out_named("Les CPS, c'est en lien avec l'EMC ?", known, texts, rare) == \
        "Les CPS, c'est en lien avec l'EMC (enseignement moral et civique) ?"
    # an acronym the library always names as such gains nothing from its words; nor one already spelled out
    for unchanged in ("L'ANPAA existe toujours ?", "l'EMC, enseignement moral et civique ?", "emc ?"):
        assert spell_out_named(unchanged, known, texts, rare) == unchanged
