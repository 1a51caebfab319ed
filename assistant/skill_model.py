"""Which CPS competence an activity request is about, read from its meaning.

Teachers describe a situation more often than they name a skill (« ils se chamaillent pour un rien et
viennent me voir vingt fois par jour » asks for conflict resolution; « ils se dévalorisent, je suis nul »
for self-esteem). Two multinomial logistic regressions, over the request's multilingual-e5-small query vector
(the retrieval's, no second encode) and over the character n-grams of its folded text (words the vector blurs:
« ils trichent ou boudent dès qu'ils perdent »), give a probability per competence of `assistant/vocabulary.py`,
the mean of the two views'; `sheet_rank.sheet_hits` adds it to a sheet's document score. Trained by
`scripts/train_skills.py` on `eval/skill_requests.jsonl` (2,248 requests written for it by five helpers who saw neither
the evaluation sets nor the library); nothing is trained at start-up."""

from __future__ import annotations

from assistant.multinomial import Multinomial, load_shipped

MODEL_FILE = "skills.json"


def load_model() -> Multinomial:
    """The shipped model (read once); `probabilities(vector, text)` gives each competence's."""
    return load_shipped(MODEL_FILE)


# A sheet's first competence is the one it works on; those after it are « en appui » (the thermometer of anger works on
# regulating anger, in support of naming emotions). A request read as naming emotions is met by the sheet that works on
# them, before one that only leans on them.
SUPPORT_SHARE = 0.5


def fit(competences: tuple[str, ...] | list[str], reading: dict[str, float]) -> float:
    """How well a sheet's competences (its own first, then those in support) meet the skill model's reading of a
    request: the probability of its own competence, or SUPPORT_SHARE of a supporting one's if that is more."""
    if not competences:
        return 0.0
    return max([reading.get(competences[0], 0.0)] + [SUPPORT_SHARE * reading.get(c, 0.0) for c in competences[1:]])
