"""The skill model on the real bundled e5 model: a request describing a class situation in a teacher's words is
read as the competence it is about (among the first two), whatever words it uses. The requests below were
written for this test, away from the training requests' situations (a puzzle thrown, drawings hidden, a council
of pupils, a maths test, shared videos)."""

from __future__ import annotations

import pytest

from assistant import skill_model

from tests.conftest import assert_retraining_reproduces

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("request_text, competence", [
    ("en conseil d'élèves mes CM1 parlent tous en même temps et personne ne retient ce que l'autre a proposé", "communiquer"),
    ("En MS un petit jette les puzzles par terre dès qu'une pièce ne rentre pas, comment l'aider à faire redescendre ?",
     "reguler_emotions"),
    ("avant chaque contrôle de maths ma 5e devient livide, certains tremblent, vous auriez une piste pour les détendre ?",
     "gerer_stress"),
    ("en CE2 les filles refusent d'être en équipe avec les garçons et inversement, je voudrais souder la classe",
     "relations_constructives"),
    ("un élève de CP cache ses dessins en disant qu'ils sont moches et que les autres font mieux", "conscience_de_soi"),
    ("mes 4e partagent n'importe quelle vidéo sans se demander d'où elle sort, une séance pour qu'ils vérifient ?",
     "decisions_constructives"),
])
def test_a_situation_described_in_free_words_is_read_as_its_competence(bundled_embeddings, request_text: str,  # type: ignore[no-untyped-def]
                                                                        competence: str) -> None:
    read = skill_model.load_model().probabilities(bundled_embeddings.embed_query(request_text), request_text)
    assert competence in sorted(read, key=read.__getitem__, reverse=True)[:2], read


def test_words_the_vector_blurs_are_read_by_the_ngram_view(bundled_embeddings) -> None:  # type: ignore[no-untyped-def]
    """Found by the thirty-fifth session's tryout: children who cheat or sulk when they lose were read as self-control
    (0.87, e5 vector alone) and got the two-week goal sheet; losing is handled by regulating one's emotions."""
    request = "enfants de 7 ans qui supportent pas de perdre a un jeu (ils trichent ou ils boudent), une activite pour travailler ca ?"
    model = skill_model.load_model()
    vector = bundled_embeddings.embed_query(request)
    assert max(model.probabilities(vector), key=model.probabilities(vector).__getitem__) == "maitrise_de_soi"
    read = model.probabilities(vector, request)
    assert max(read, key=read.__getitem__) == "reguler_emotions", read


def test_retraining_reproduces_the_shipped_model() -> None:
    assert_retraining_reproduces("train_skills", skill_model.MODEL_FILE, "eval/skill_requests.jsonl")
