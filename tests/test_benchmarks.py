"""The benchmarks' own checks: the import log parser, the default path's imports (no torch), and the
thread-count worker of the threads benchmark."""

from __future__ import annotations

import pytest

from assistant.settings import Settings
from benchmarks.common import heavy_imports, venv_bin

IMPORTTIME_LOG = """import time: self [us] | cumulative | imported package
import time:       120 |        120 |   _io
import time:       300 |      90000 | torch._C
import time:        80 |        900 |     sentence_transformers.util
import time:        50 |         50 | torchvision_like
import time:        60 |         60 | json
some other line mentioning torch
"""


def test_heavy_imports_reads_module_names_from_the_importtime_log() -> None:
    assert heavy_imports(IMPORTTIME_LOG) == ["sentence_transformers", "torch"]
    assert heavy_imports("import time:        60 |         60 | json\n") == []


@pytest.mark.integration
def test_cartable_ask_on_the_default_model_imports_neither_torch_nor_transformers(bundled_settings: Settings) -> None:
    from benchmarks.startup_bench import import_check

    cmd = [venv_bin("cartable"), "ask", "--store", str(bundled_settings.store), "Comment animer une séance sur les émotions en CE1 ?"]
    assert import_check(cmd) == []


@pytest.mark.integration
def test_threads_worker_runs_the_engine_with_the_requested_thread_count() -> None:
    from benchmarks.common import QUESTIONS
    from benchmarks.threads_bench import run_condition

    result = run_condition("e5", 1, {}, busy=False, reps=1)
    assert result["omp_num_threads"] == "1"
    assert result["dim"] == 384
    assert len(result["times"]) == len(QUESTIONS) and all(t > 0 for t in result["times"])
