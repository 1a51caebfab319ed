"""BM25 searches a question's subject, not the words that frame it (assistant/lexical.py: framing_terms)."""

from __future__ import annotations

import numpy as np

from assistant.lexical import LexicalIndex, analyze, framing_terms

LIBRARY = [
    "Pendant une séance, laisser l'enfant dire ce qu'il veut dire ; on peut en parler ensuite, sans le questionner.",
    "Les critères d'efficacité : une intervention structurée SAFE, séquencée, active, focalisée et explicite.",
]


def test_words_that_frame_a_question_do_not_choose_the_passage() -> None:
    # Found by a tryout: « on m'a parlé de SAFE, ça veut dire quoi ? » opened on the passage about letting a child speak.
    index = LexicalIndex()
    index.build(LIBRARY)
    scores = index.scores("on m'a parlé de SAFE pour les cps, ca veut dire quoi au juste ?")
    assert int(np.argmax(scores)) == 1
    # a question of framing words alone keeps them, rather than searching nothing
    assert index.scores("dire et parler")[0] > 0


def test_the_domain_s_own_words_are_still_searched() -> None:
    framing = framing_terms()
    assert {"parl", "dir", "savoir"} <= framing
    assert not set(analyze("séance activité élève classe enfant")) & framing


def test_how_a_teacher_describes_her_habit_does_not_choose_the_passage() -> None:
    # Found on the seventh fresh split: « j'ai tendance à crier pour ramener le calme… » opened on an interview's
    # « Moi, j'avais tendance à conclure très vite, à donner la morale », for its « tendance ».
    index = LexicalIndex()
    index.build(["Moi, j'avais tendance à conclure très vite, à donner la morale.",
                 "On ne hausse pas le ton pour obtenir le silence ; on utilise le signal convenu pour ramener le calme."])
    assert int(np.argmax(index.scores("j'ai tendance à crier pour ramener le calme, c'est grave ?"))) == 1


def test_how_often_is_a_question_s_frame_not_a_subject_the_library_must_name() -> None:
    # Found by a tryout: « combien de temps doit durer une séance en maternelle et à quelle fréquence » was declined as
    # outside the library, which says « une séance toutes les deux à trois semaines » but never « fréquence ».
    assert set(analyze("à quelle fréquence ? fréquences")) <= framing_terms() | set(analyze("à quelle"))
    index = LexicalIndex()
    index.build(["Caler le calendrier : une séance toutes les deux à trois semaines.", "La fréquence cardiaque monte."])
    assert int(np.argmax(index.scores("à quelle fréquence faire les séances ?"))) == 0


def test_still_is_a_question_s_frame() -> None:
    # Found on the gold set: « L'ANPAA existe toujours sous ce nom ? » was declined, « toujours » weighing as a subject
    # the library never writes next to the ANPAA (« devenue Association Addictions France »).
    assert set(analyze("toujours encore")) <= framing_terms()


def test_a_time_limit_s_max_is_a_question_s_frame() -> None:
    # Found by the thirty-second session's tryout: « quelque chose de court (15 min max) » opened on « Les documents ne
    # contiennent pas le mot « max » ».
    assert set(analyze("max maxi")) <= framing_terms()


def test_short_words_are_indexed_as_written() -> None:
    # Stemmed, « CPS » was the class « CP »: a question on CP pupils matched every passage about the programme.
    assert analyze("les CPS en CP, en GS et en MS pour l'OMS") == ["cps", "cp", "gs", "ms", "oms"]
    assert analyze("des compétences") == analyze("une compétence")  # longer words are still stemmed
    index = LexicalIndex()
    index.build(["Les CPS se travaillent à tout âge.", "Une séance pour le CP."])
    assert list(index.scores("une activité en CP ?") > 0) == [False, True]


def test_the_day_the_teacher_has_the_class_does_not_choose_the_passage() -> None:
    # Found by a tryout: « j'ai 25 min avec mes CE1 vendredi… » opened on a goal-setting sheet's « Ton supporter viendra
    # te demander vendredi où tu en es ».
    index = LexicalIndex()
    index.build(["Ton supporter viendra te demander vendredi où tu en es, et il t'encouragera.",
                 "Dans la cour, Yanis joue au ballon ; Enzo lui prend le ballon : la dispute éclate."])
    assert int(np.argmax(index.scores("mes CE1 vendredi se disputent pour le ballon"))) == 1
    assert {"vendred", "demain", "lund"} <= framing_terms()
