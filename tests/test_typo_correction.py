"""Misspelt words of a question are read as the library's words; French words it does not use stay as typed
(assistant/lexical.py: LexicalIndex.correct)."""

from __future__ import annotations

from assistant.lexical import LexicalIndex, french_words

LIBRARY = [
    "La séance de la tortue : les collègues de l'équipe en parlent en concertation.",
    "Le financement du programme et le harcèlement à l'école.",
    "Exprimer ses émotions.",
]


def _index() -> LexicalIndex:
    index = LexicalIndex()
    index.build(LIBRARY)
    return index


def test_misspelt_words_become_the_librarys_words() -> None:
    index = _index()
    assert index.correct("harcelemnt") == "harcelement"
    assert index.correct("emotinos") == "emotions"
    # five letters: « sénce » was too short to be corrected, and abstention read it as a noun the library never uses
    assert index.correct("la sénce avec la tortue") == "la seance avec la tortue"


def test_french_words_the_library_does_not_use_are_kept() -> None:
    index = _index()
    # each was one or two edits from a library word, and searched as it
    assert index.correct("des collégiens") == "des collégiens"
    assert index.correct("la concentration") == "la concentration"
    assert index.correct("finalement") == "finalement"
    assert index.correct("une grève") == "une grève"


def test_the_french_word_list_is_folded() -> None:
    words = french_words()
    assert "greve" in words and "seance" in words and "collegiens" in words
    assert "sence" not in words and "harcelemnt" not in words


def test_clipped_words_are_completed_with_the_librarys_most_frequent_word() -> None:
    from assistant.lexical import complete_clipped, word_forms

    forms = word_forms(["La coopération en classe : coopérer, coopération, coopérative.", "L'estime de soi, une estimation.",
                        "Une coupe de fruits."])
    # Found by a tryout: « jeu de coopé en GS » was corrected to « coupe » and declined as off the programme.
    assert complete_clipped("un jeu de coopé en GS ?", forms) == "un jeu de coopération en GS ?"
    # a tie on frequency goes to the shorter word
    assert complete_clipped("l'estim de soi", forms) == "l'estime de soi"
    # words the library or French has, and short ones, stay as typed
    assert complete_clipped("la coupe du monde", forms) == "la coupe du monde"
    assert complete_clipped("une estimation", forms) == "une estimation"
    assert complete_clipped("la coop", forms) == "la coop"
    assert complete_clipped("un zorglub", forms) == "un zorglub"
