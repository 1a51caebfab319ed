"""Ingestion with tqdm progress bars on stderr: what `cartable ingest` shows, and what `cartable serve`
runs on an empty store."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from assistant.settings import Settings


class ProgressBars:
    """tqdm progress bars for files and embedding batches, on stderr (one bar per stage, one after the
    other), with true speeds: every report is an `update` of what was done since the previous one, so
    tqdm measures passages embedded per second and the time left. The pipeline reports after each
    batch (never "0 done"), so a stage's bar is dated from the previous report, when its work began;
    only passages actually embedded are counted (the pipeline's total leaves out stored ones)."""

    LABELS = {"files": ("Fichiers", " fichiers"), "embeddings": ("Encodage", " passages")}

    def __init__(self, enabled: bool, file: Any = None) -> None:
        self.enabled = enabled
        self.file = file
        self.bars: dict[str, Any] = {}
        self._last_report = time.time()  # tqdm's clock

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        bar = self.bars.get(stage)
        if bar is None:
            for other in self.bars.values():  # the previous stage is over
                other.close()
            label, unit = self.LABELS.get(stage, (stage, ""))
            bar = self.bars[stage] = tqdm(total=total, desc=label, unit=unit, file=self.file or sys.stderr,
                                          leave=True, dynamic_ncols=True)
            bar.start_t = bar.last_print_t = self._last_report
        bar.update(done - bar.n)
        self._last_report = time.time()
        if done >= total:
            bar.close()  # now: its overall speed must not include the commit that follows

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def ingest_with_progress(settings: Settings, paths: list[Path], rebuild: bool = False, show_progress: bool = True):  # type: ignore[no-untyped-def]
    """Ingest with progress bars; shared by `cartable ingest` and `cartable serve` on an empty store."""
    from assistant.backends import LazyEmbeddings
    from ingest.pipeline import ingest

    bars = ProgressBars(show_progress)
    try:
        return ingest(paths, settings, LazyEmbeddings(settings), progress=bars, rebuild=rebuild)
    finally:
        bars.close()
