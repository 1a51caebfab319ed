"""The n-gram view of the safety classifier recomputes scikit-learn's TF-IDF vectors with numpy only."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from assistant.char_ngrams import CharNgrams, char_wb_ngrams
from assistant.vocabulary import fold

TEXTS = [
    "jveu mourir personne me comprend",
    "Mon élève de CM1 arrive avec des bleus, il a peur de rentrer chez lui.",
    "g envi de crevé   tt le monde se moque",
    "Une séance sur la colère en CE2 ?",
    "a b",  # words shorter than the n-grams
    "ÉCOLE école Ecole",
]


def test_ngrams_match_scikit_learn_char_wb() -> None:
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), preprocessor=fold).build_analyzer()
    for text in TEXTS:
        assert char_wb_ngrams(text, 2, 5) == analyzer(text), text


@pytest.mark.parametrize("min_df", [1, 2])
def test_vectors_match_scikit_learn_tfidf(min_df: int) -> None:
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), preprocessor=fold, sublinear_tf=True, min_df=min_df).fit(TEXTS)
    ngrams = CharNgrams((2, 5), {g: int(i) for g, i in vec.vocabulary_.items()}, vec.idf_)
    ngrams = CharNgrams.from_json(ngrams.to_json())  # what ships is what is compared
    for text in [*TEXTS, "il me tape jsp quoi faire", "zzz"]:
        expected = vec.transform([text]).toarray()[0]
        idx, values = ngrams.transform(text)
        got = np.zeros(ngrams.size)
        got[idx] = values
        assert np.allclose(got, expected, atol=1e-6), text


def test_a_text_without_known_ngrams_gives_an_empty_vector() -> None:
    ngrams = CharNgrams((2, 3), {"ab": 0}, np.ones(1))
    idx, values = ngrams.transform("xyz")
    assert idx.size == 0 and values.size == 0
