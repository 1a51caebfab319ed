"""The document-type model on the real bundled e5 model: a question is read as the kind of document that answers it
(first), whatever words it shares with passages of other kinds. The questions below were written for this test, away
from the training questions (eval/doc_type_questions.jsonl)."""

from __future__ import annotations

import pytest

from assistant import doc_type_model

from tests.conftest import assert_retraining_reproduces

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("question, doc_type", [
    # how to run a session: a guide, though a sheet or an interview shares « CE2 », « séance », « secret »
    ("mes CE2 veulent savoir si ce qu'ils disent en séance restera entre nous, je réponds quoi ?", "guide"),
    ("quand ils rigolent tous pendant le temps de parole, je les reprends comment sans les braquer ?", "guide"),
    # an activity for a class: a sheet
    ("un jeu pour que mes MS apprennent à attendre leur tour sans se bousculer ?", "seance"),
    # what others lived: a write-up
    ("comment ça s'est passé concrètement pour l'école qui a mis les CPS dans son projet d'école ?", "retour_experience"),
    # the programme's facts and its results
    ("le cartable des CPS a été lancé en quelle année et par quel organisme ?", "presentation"),
    ("l'évaluation externe d'En santé à l'école a conclu quoi sur l'appropriation par les enseignants ?", "evaluation"),
])
def test_a_question_is_read_as_the_kind_of_document_that_answers_it(bundled_embeddings, question: str,  # type: ignore[no-untyped-def]
                                                                     doc_type: str) -> None:
    read = doc_type_model.load_model().probabilities(bundled_embeddings.embed_query(question))
    assert max(read, key=read.__getitem__) == doc_type, read


def test_retraining_reproduces_the_shipped_model() -> None:
    from tests.conftest import training_script

    training = training_script("train_doc_types")
    rows = training_script("train_safety").load_rows(training.DATA)
    assert len(rows) >= 1000 and {training.writer(r) for r in rows} == {"t", "f", "n", "c", "s"}
    assert_retraining_reproduces("train_doc_types", doc_type_model.MODEL_FILE, "eval/doc_type_questions.jsonl")


def test_every_training_question_names_a_document_of_the_library_with_its_type() -> None:
    """The labels follow the library: a document renamed or retyped must be relabelled before retraining."""
    from ingest.loaders import load
    from ingest.metadata import build_doc_meta
    from tests.conftest import REPO, training_script

    training = training_script("train_doc_types")
    rows = training_script("train_safety").load_rows(training.DATA)
    types = {}
    for source in sorted({r["source"] for r in rows}):
        path = REPO / source
        assert path.is_file(), f"{source} is not in the library"
        types[source] = build_doc_meta(load(path), source, path.suffix.lower()).doc_type
    wrong = [r["id"] for r in rows if types[r["source"]] != r["doc_type"]]
    assert not wrong, f"labelled with another type than their document's: {wrong[:10]}"
