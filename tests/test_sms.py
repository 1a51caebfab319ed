"""Chat abbreviations are spelled out for the lexical side of a question (assistant/sms.py)."""

from __future__ import annotations

from assistant.lexical import LexicalIndex, analyze
from assistant.sms import restore_elisions, spell_out


def test_abbreviations_are_written_in_full_and_other_words_kept() -> None:
    assert spell_out("activité pr des PS qui tapent qd ils sont frustrés svp") == \
        "activité pour des PS qui tapent quand ils sont frustrés "
    assert spell_out("ya bcp d'embrouilles, qqch pour la récré ?") == "il y a d'embrouilles, pour la récré ?"
    assert spell_out("Pb de récré") == "problème de récré"


def test_capitals_are_acronyms_not_abbreviations() -> None:
    # « DS » is a test (devoir surveillé), « ds » is « dans »
    assert spell_out("un DS de maths ds la salle") == "un DS de maths dans la salle"


def test_abbreviations_are_no_unknown_terms_of_the_library() -> None:
    index = LexicalIndex()
    index.build(["Quand un enfant tape, on l'aide à s'arrêter pour respirer.", "Le jeu de la tortue en maternelle."])
    terms = index.query_terms("activité pr des enfants qui tapent qd ils sont frustrés")
    assert "pr" not in terms and "qd" not in terms
    assert set(analyze("tapent")) <= set(terms)


def test_question_words_spelled_with_k_are_spelled_out() -> None:
    # « kel » was a word the library never uses, as « koi » and « ki » were
    assert spell_out("la séance avec la tortue c pour kel age ?") == "la séance avec la tortue c'est pour quel age ?"
    assert spell_out("kelles fiches pour des CP") == "quelles fiches pour des CP"


def test_a_lone_c_before_a_question_word_is_c_est() -> None:
    assert spell_out("c quoi les CPS ?") == "c'est quoi les CPS ?"
    assert spell_out("C koi le message clair") == "c'est quoi le message clair"
    # an enumeration and a capital inside a sentence stay as written
    assert spell_out("les points a, b, c et d") == "les points a, b, c et d"
    assert spell_out("la vitamine C pour quoi faire") == "la vitamine C pour quoi faire"


def test_shortened_words_of_the_programme_are_written_in_full() -> None:
    assert spell_out("l'eval a montré quoi ? et le prog ?") == "l'évaluation a montré quoi ? et le programme ?"
    assert spell_out("combien de profs formés ?") == "combien de enseignants formés ?"


def test_familiar_words_of_school_talk_are_read_as_the_librarys_words() -> None:
    # « flippent » read as a noun the library never uses made abstention decline a request for the stage-fright sheet
    assert spell_out("mes 3e flippent grave pour l'oral du brevet") == "mes 3e ont peur grave pour l'oral du brevet"
    assert spell_out("les gamins s'engueulent à la récré") == "les enfants s'disputent à la récré"
    assert spell_out("ils sont flippés") == "ils sont stressés"


def test_apps_are_named_for_what_they_are() -> None:
    # « le groupe snap de la classe » laid out an emotion-regulation sheet, not the one on group messaging
    assert spell_out("mes 5e s'insultent sur le groupe snap de la classe") == "mes 5e s'insultent sur le groupe messagerie de la classe"
    assert spell_out("leur image sur insta") == "leur image sur réseaux sociaux"
    # « le nez sur leur tel »: the library writes « téléphone »
    assert spell_out("mes 4e ont le nez sur leur tel pendant les devoirs") == "mes 4e ont le nez sur leur téléphone pendant les devoirs"


def test_slang_for_quarrels_and_material_is_read_as_the_librarys_words() -> None:
    # « clashent » was typo-corrected to « classent », « matos » to « maths »
    assert spell_out("mes 5e se clashent sur le groupe") == "mes 5e se disputent sur le groupe"
    assert spell_out("faut prevoir quoi comme matos ?") == "faut prevoir quoi comme matériel ?"


def test_clipped_words_of_the_profession_are_written_in_full() -> None:
    """Found on fresh7: « peda » and « circo » read as words the library never uses declined a trainer's question."""
    assert spell_out("une anim peda de 3h pour les PE de ma circo") == \
        "une animation pédagogique de 3h pour les PE de ma circonscription"
    assert spell_out("le dirlo veut un projet avec le périsco") == "le directeur veut un projet avec le périscolaire"


def test_an_elision_typed_with_a_space_gets_its_apostrophe() -> None:
    assert restore_elisions("combien d ecoles, l ecole, j ai vu qu il part, jusqu a quand") == \
        "combien d'ecoles, l'ecole, j'ai vu qu'il part, jusqu'a quand"
    assert restore_elisions("C est quoi ? J ai trois classes.") == "C'est quoi ? J'ai trois classes."
    # a capital inside a sentence, a letter before a consonant or a digit: no elision
    assert restore_elisions("le groupe C et le D ; la s 2 ; une d  ") == "le groupe C et le D ; la s 2 ; une d  "
