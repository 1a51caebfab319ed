"""Which CPS competence an activity request is about, read from its meaning.

Teachers describe a situation more often than they name a skill (« ils se chamaillent pour un rien et
viennent me voir vingt fois par jour » asks for conflict resolution; « ils se dévalorisent, je suis nul »
for self-esteem). A multinomial logistic regression over the request's multilingual-e5-small query vector
(the retrieval's, no second encode) gives a probability per competence of `assistant/vocabulary.py`;
`sheet_rank.sheet_hits` adds it to a sheet's document score. Trained by `scripts/train_skills.py` on
`eval/skill_requests.jsonl` (1,798 requests written for it by four helpers who saw neither the evaluation sets
nor the library; trained on three writers, it reads the fourth's competence first 0.81 of the time); nothing is
trained at start-up."""

from __future__ import annotations

from assistant.multinomial import Multinomial, load_shipped

MODEL_FILE = "skills.json"


def load_model() -> Multinomial:
    """The shipped model (read once); `probabilities(vector)` gives each competence's."""
    return load_shipped(MODEL_FILE)
