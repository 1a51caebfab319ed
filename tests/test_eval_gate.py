"""The quick evaluation runs in CI with regression floors; lowering the quality on purpose fails it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from eval.runner import REGRESSION_FLOORS, check_floors, run

pytestmark = pytest.mark.evalgate


def test_quick_evaluation_meets_the_floors(bundled_settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    payload, broken = run(bundled_settings, __import__("eval.gold", fromlist=["DEFAULT_SET"]).DEFAULT_SET,
                          ["bm25", "hybrid"], quick=True, out_dir=tmp_path, gate=True)
    assert not broken, broken
    hybrid, bm25 = payload["modes"]["hybrid"], payload["modes"]["bm25"]
    assert hybrid["hit@5"] >= bm25["hit@5"] - 0.02
    assert (tmp_path / "gold-quick.md").is_file() and (tmp_path / "gold-quick.png").is_file()


def test_the_gate_fails_when_quality_drops(bundled_settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Sabotage: an answerability model nobody can pass makes every answerable question abstain.
    sabotaged = bundled_settings.model_copy(update={"abstention_weights": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0)})
    payload, broken = run(sabotaged, __import__("eval.gold", fromlist=["DEFAULT_SET"]).DEFAULT_SET, ["hybrid"],
                          quick=True, out_dir=None, gate=True)
    assert any(b.startswith("false_abstention_rate") for b in broken)
    assert check_floors(payload["modes"]["hybrid"]) == broken
    assert set(REGRESSION_FLOORS) >= {"source_in_citations@5", "key_facts", "safety_routing"}
    # The command line turns a broken floor into a failing exit status.
    env = {**os.environ, "CARTABLE_ABSTENTION_WEIGHTS": "[0, 0, 0, 0, 0, 0, 0, -1]"}
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "eval", "--quick", "--modes", "hybrid", "--no-report",
                             "--store", str(bundled_settings.store)], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "SEUILS" in result.stderr
