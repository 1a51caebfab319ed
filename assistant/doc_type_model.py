"""Which kind of document answers a question, read from its meaning.

« je peux leur promettre que rien ne sortira de la classe ? » is answered by a guide on running sessions, « comment
l'équipe de Vendée a évalué son projet ? » by a write-up, « une activité pour que mes GS attendent leur tour ? » by a
session sheet: the kind of document follows from what is asked more than from the words shared with a passage. A
multinomial logistic regression over the question's multilingual-e5-small query vector (the retrieval's, no second
encode) gives a probability per document type of `ingest/metadata.py` (seance, guide, retour_experience, presentation,
evaluation); `retrieve.DOC_TYPE_PRIOR` adds a share of it to each passage of that type. Trained by
`scripts/train_doc_types.py` on `eval/doc_type_questions.jsonl` (1,304 questions written for it by five helpers, as
teachers, trainers, newcomers and teachers conducting a session or handling a situation in one, each with the document
of the bundled library that answers it best; none of them saw the evaluation sets); nothing is trained at start-up. A library whose documents
have other types gets no lift from it (a type the model does not know reads 0)."""

from __future__ import annotations

from assistant.multinomial import Multinomial, load_shipped

MODEL_FILE = "doc_types.json"


def load_model() -> Multinomial:
    """The shipped model (read once); `probabilities(vector)` gives each document type's."""
    return load_shipped(MODEL_FILE)
