"""The shared numeric helpers (pure functions)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.scores import minmax, sigmoid


def test_minmax_rescales_and_a_constant_signal_says_nothing() -> None:
    assert minmax(np.array([2.0, 4.0, 3.0])).tolist() == [0.0, 1.0, 0.5]
    assert minmax(np.array([0.7, 0.7])).tolist() == [1.0, 1.0]
    assert minmax(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]  # no BM25 match anywhere: no lexical signal
    assert minmax(np.array([])).size == 0


def test_sigmoid_is_symmetric_and_never_overflows() -> None:
    assert sigmoid(0.0) == 0.5
    assert sigmoid(2.0) == pytest.approx(1 - sigmoid(-2.0))
    assert sigmoid(1000.0) == 1.0 and sigmoid(-1000.0) == 0.0
