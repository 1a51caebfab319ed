"""Performance benchmarks of Cartable Assistant.

    python -m benchmarks                    # all three, writes benchmarks/results.md and results.json
    python -m benchmarks --quick            # smoke run (smaller sizes), writes results-quick.md / .json
    python -m benchmarks ingest|query|startup [--quick] [--cache DIR]   # one (or several), printed only

The machines these run on are shared (2 cores, numbers vary by about ±40 % between runs), so every
target is a RATIO against a baseline measured in the same run, or is printed for information —
nothing here is a timed test that fails a build.

- ``ingest``: chunks per second of a full ingestion of the bundled corpus with the real bundled model,
  against raw ``SentenceTransformer.encode`` (batch 32) of the same texts (target ≥ 0.85); re-ingestion
  of the unchanged corpus in-process (target < 2 s) and through the CLI.
- ``query``: p50/p95 of ``Retriever.search`` (hybrid) and ``Assistant.ask`` (extractive) on the corpus
  store and on synthetic stores of 1 k … 100 k chunks, against a bare Chroma ``collection.query``
  (target: extractive answer p50 ≤ 150 ms at 50 000 chunks). Synthetic stores are cached under
  ``--cache`` (default ``/tmp/cartable-bench``).
- ``startup``: cold start of ``cartable ask`` against ``python -c pass`` and ``import sentence_transformers``;
  time until ``cartable serve`` answers on 127.0.0.1 and its peak memory after 5 questions (when the UI
  exists).
"""

BENCHMARKS = ("ingest", "query", "startup")
