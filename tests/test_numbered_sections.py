"""A list asked for, answered by a run of numbered sections (assistant/numbered_sections.py): pure functions."""

from __future__ import annotations

import re

from assistant.extractive import Citations
from assistant.numbered_sections import asks_for_a_list, best_run, child_run, lists_what_is_asked, numbered_run, overview
from assistant.schema import Chunk, DocMeta

GUIDE = DocMeta(source="corpus/guides/pieges.md", title="Les pièges à éviter", doc_type="guide")


def _chunk(ordinal: int, heading: tuple[str, ...], text: str) -> Chunk:
    return Chunk(id=f"{GUIDE.source}#{ordinal}", doc=GUIDE, text=text, ordinal=ordinal, heading_path=heading)


CHUNKS = [
    _chunk(0, ("Pourquoi parler des pièges",), "Les pièges sont fréquents."),
    _chunk(1, ("Piège n° 1 — La séance isolée",), "- Une séance unique ne suffit pas. Elle s'oublie vite."),
    _chunk(2, ("Piège n° 1 — La séance isolée",), "Scène fictive : une journée bien-être."),
    _chunk(3, ("Piège n° 2 — Une seule compétence",), "Les compétences sont liées entre elles."),
    _chunk(4, ("Piège n° 3 — Des exercices sans posture",), "La posture compte autant que l'exercice."),
    _chunk(5, ("Les bonnes pratiques", "1. Durer"), "Une démarche longue."),
]


def test_reads_a_question_asking_for_a_whole_list() -> None:
    assert asks_for_a_list("Quelles sont les erreurs fréquentes à éviter ?")
    assert asks_for_a_list("les principaux pièges des interventions CPS ?")
    assert not asks_for_a_list("Quelle est la durée de la séance ?")
    assert not asks_for_a_list("Comment poser les règles ?")
    # a plural noun right after the interrogative asks for every item too
    assert asks_for_a_list("quelles erreurs éviter quand on se lance dans les CPS ?")
    assert asks_for_a_list("Quels pièges guettent un débutant ?")
    assert not asks_for_a_list("Quel temps prévoir pour le bilan ?")
    assert not asks_for_a_list("Quelle erreur éviter en premier ?")


def test_the_run_holds_the_first_passage_of_each_numbered_sibling_section() -> None:
    run = numbered_run(CHUNKS, CHUNKS[4])
    assert [c.ordinal for c in run] == [1, 3, 4]
    # a section numbered under another parent, or a run shorter than three, is no run
    assert numbered_run(CHUNKS, CHUNKS[5]) == []
    assert numbered_run(CHUNKS, CHUNKS[0]) == []
    assert numbered_run(CHUNKS[:4], CHUNKS[3]) == []


def test_the_overview_names_each_section_with_its_cited_first_sentence() -> None:
    cites = Citations()
    text = overview(numbered_run(CHUNKS, CHUNKS[1]), cites)
    assert text.startswith("**Les pièges à éviter** en présente 3 :")
    assert "- **Piège n° 1 — La séance isolée** : Une séance unique ne suffit pas." in text  # list marker dropped
    assert len(re.findall(r"\[\d\]", text)) == 3
    assert all(c.snippet in {ch.id: ch for ch in CHUNKS}[c.chunk_id].text for c in cites.finish())


def test_a_section_whose_subsections_are_the_list_opens_on_them_with_their_items_labels() -> None:
    # Found by a tryout: « les grandes catégories du référentiel ? » got « 3 catégories, 9 compétences générales »
    # without their names.
    top = ("Le référentiel (2022)",)
    chunks = [
        _chunk(10, top, "**Classification : 3 catégories, 9 compétences générales.**"),
        _chunk(11, top + ("Compétences cognitives",), "- **Avoir conscience de soi** : connaissance de soi.\n"
                                                         "- **Prendre des décisions** : faire des choix."),
        _chunk(12, top + ("Compétences émotionnelles",), "- **Réguler ses émotions** : les exprimer.\n"
                                                           "- **Gérer son stress** : au quotidien."),
        _chunk(13, top + ("Compétences sociales",), "Trois compétences tournées vers les autres."),
    ]
    assert asks_for_a_list("c quoi les grandes categories de competences dans le referentiel ?")
    run = child_run(chunks, chunks[0])
    assert [c.ordinal for c in run] == [11, 12, 13]
    assert child_run(chunks, chunks[1]) == [] and child_run(chunks[:3], chunks[0]) == []  # fewer than three
    cites = Citations()
    text = overview(run, cites)
    assert "- **Compétences cognitives** : Avoir conscience de soi ; Prendre des décisions [1]" in text
    assert "- **Compétences sociales** : Trois compétences tournées vers les autres. [3]" in text
    assert all(c.snippet in next(ch.text for ch in chunks if ch.id == c.chunk_id) for c in cites.finish())


def test_a_run_is_the_answer_only_when_it_lists_the_kind_of_item_asked() -> None:
    # Found by the thirty-fourth session's tryouts: « Quels indicateurs pour évaluer un projet CPS ? » and « Quelles
    # difficultés rencontrent les équipes ? » opened on the seven steps of the project guide.
    assert numbered_run(CHUNKS, CHUNKS[3])
    assert lists_what_is_asked("Quels pièges guettent un débutant ?", CHUNKS)
    assert lists_what_is_asked("Quelles sont les grandes étapes ?", CHUNKS)  # no kind named: the run is the list
    assert not lists_what_is_asked("Quels indicateurs utiliser pour évaluer le projet ?", CHUNKS)
    # the kind named anywhere in the document (a section's text) keeps it: the run may hold what is asked
    assert lists_what_is_asked("Quelles compétences travailler ensemble ?", CHUNKS)


def test_among_the_best_passages_runs_the_one_framed_by_the_questions_words_answers() -> None:
    # Found by the thirty-sixth session's tryout: « Je forme des enseignants… la structure type d'une séance, les étapes
    # à respecter ? » listed the seven steps of a project guide, whose passage on training adults ranked first.
    from assistant.lexical import analyze

    project = DocMeta(source="corpus/guides/projet.md", title="Monter un projet CPS", doc_type="guide")
    session = DocMeta(source="corpus/guides/animer.md", title="Animer une séance CPS", doc_type="guide")
    steps = [Chunk(id=f"p#{i}", doc=project, text="Former les adultes.", ordinal=i, heading_path=(f"Étape {i} — Former",))
             for i in range(1, 4)]
    course = [Chunk(id=f"a#{i}", doc=session, text="Accueillir.", ordinal=i,
                    heading_path=("Le déroulement type d'une séance", f"{i}. Temps")) for i in range(1, 4)]
    other = Chunk(id="x#0", doc=GUIDE, text="Sans liste.", ordinal=0, heading_path=("Pourquoi",))
    by_source = {project.source: steps, session.source: course, GUIDE.source: [other]}
    question = "Je forme des enseignants. Quelle est la structure type d'une séance, les étapes à respecter ?"
    terms = analyze(question)
    run = best_run(question, [steps[2], course[1]], by_source.__getitem__, terms, lambda t: 1.0)
    assert [c.id for c in run] == ["a#1", "a#2", "a#3"]
    # the project's own steps asked for: its run, the best passage's
    asked = "quelles sont les étapes pour monter un projet ?"
    assert [c.id for c in best_run(asked, [steps[2], course[1]], by_source.__getitem__, analyze(asked), lambda t: 1.0)] == \
        ["p#1", "p#2", "p#3"]
    # the best passage in no list: no list, whatever the passages below it
    assert best_run(question, [other, course[1]], by_source.__getitem__, terms, lambda t: 1.0) == []
