"""Retrieval design lab: re-measures fusion choices (candidate count, normalisation, document scoring,
soft boosts, BM25 parameters, passage header) on gold-format sets without re-encoding anything but the
questions. Every question's BM25 scores and its cosines to every stored passage vector are computed
once; each variant is then a few numpy operations, so hundreds of settings take seconds.

    python -m eval.retrieval_lab --store /work/stores/<you>-eval [--set eval/gold.yaml --set eval/fresh.yaml]

The baseline variant reproduces the assistant's ranking (`Assistant.ranked_documents`, checked against it for every
question) so that the figures compare with `cartable eval` (document hit@1 / MRR@10, one passage per document)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import click
import numpy as np

from assistant.retrieve import COMPETENCE_BOOST, DOC_TYPE_BOOST, LEVEL_BOOST, LEVEL_PENALTY, SKILL_BOOST
from assistant.settings import Settings
from eval import metrics
from eval.gold import DEFAULT_SET, load_gold


@dataclass(frozen=True)
class Variant:
    """One way of ranking documents from the same per-passage scores."""

    weight: float = 0.6
    candidates: int = 100  # per side; 0 = every passage
    fusion: str = "minmax"  # minmax | zscore | rrf
    second_share: float = 0.0  # document score = best passage + share × second best
    single_whole: bool = False  # a one-passage document's passage also counts as its second best
    profile_norm: str = "minmax"  # minmax | relative
    profile_share: float = 0.0  # + share × cosine(question, mean of the document's passage vectors), min-max'd
    level_boost: float = LEVEL_BOOST
    level_penalty: float = LEVEL_PENALTY
    level_scope: str = "boost_sheets"  # all | sheets (boost and penalty for session sheets only) | boost_sheets (the penalty for all)
    competence_boost: float = COMPETENCE_BOOST
    doc_type_boost: float = DOC_TYPE_BOOST
    skill_boost: float = SKILL_BOOST  # × the skill model's probability of a sheet's competence (Case.skills)
    bm25: str = "stored"  # key into Case.bm25 (stored index, or a rebuilt one)


@dataclass
class Case:
    """One question with everything a variant needs."""

    expected: tuple[str, ...]
    bm25: dict[str, np.ndarray]
    dense: np.ndarray
    cycles: tuple[int, ...]
    competences: tuple[str, ...]
    doc_types: tuple[str, ...]
    query_vec: np.ndarray | None = None
    skills: dict[str, float] | None = None  # what Assistant.skills_to_boost reads in the question (None: no boost)


@dataclass
class Library:
    sources: list[str]  # per passage
    doc_index: np.ndarray  # per passage: index of its document
    doc_names: list[str]
    cycles: list[set[int]]
    competences: list[set[str]]
    doc_types: list[str]
    profiles: np.ndarray  # (n_docs, dim) mean passage vector, L2-normalised

    @property
    def sizes(self) -> np.ndarray:
        """Passages per document."""
        return np.bincount(self.doc_index, minlength=len(self.doc_names))


def _norm(values: np.ndarray, how: str) -> np.ndarray:
    if values.size == 0:
        return values
    if how == "zscore":
        sd = float(values.std())
        return (values - float(values.mean())) / sd if sd > 1e-9 else np.zeros_like(values)
    lo, hi = float(values.min()), float(values.max())
    if hi - lo < 1e-9:
        return np.ones_like(values) if hi > 0 else np.zeros_like(values)
    return (values - lo) / (hi - lo)


def rank_documents(lib: Library, case: Case, v: Variant) -> list[str]:
    """Documents in the order the variant ranks them."""
    bm = case.bm25[v.bm25]
    n = v.candidates or len(bm)
    cand = set(int(i) for i in np.argsort(-bm, kind="stable")[:n] if bm[i] > 0)
    cand |= set(int(i) for i in np.argsort(-case.dense, kind="stable")[:n])
    idx = np.array(sorted(cand))
    b, d = bm[idx], case.dense[idx]
    if v.fusion == "rrf":
        rb = np.empty(len(idx)); rb[np.argsort(-b, kind="stable")] = np.arange(len(idx))
        rd = np.empty(len(idx)); rd[np.argsort(-d, kind="stable")] = np.arange(len(idx))
        fused = (1 - v.weight) / (60 + rb) + v.weight / (60 + rd)
        fused = fused / fused.max() * 1.0
    else:
        fused = (1 - v.weight) * _norm(b, v.fusion) + v.weight * _norm(d, v.fusion)
        if v.fusion == "zscore":
            fused = fused / 4.0  # roughly onto the 0–1 scale the boosts were measured on
    docs = lib.doc_index[idx]
    if case.cycles:
        wanted = set(case.cycles)
        for j, doc in enumerate(docs):
            sheet = lib.doc_types[doc] == "seance"
            cyc = lib.cycles[doc] if v.level_scope == "all" or sheet else set()
            if cyc & wanted:
                fused[j] += v.level_boost
            elif lib.cycles[doc] and (cyc or v.level_scope == "boost_sheets") and not lib.cycles[doc] & wanted:
                fused[j] -= v.level_penalty
    if case.doc_types:
        fused += v.doc_type_boost * np.array([lib.doc_types[doc] in case.doc_types for doc in docs])
    if case.competences:
        wanted_cps = set(case.competences)
        fused += v.competence_boost * np.array([bool(lib.competences[doc] & wanted_cps) for doc in docs])
    if case.skills and v.skill_boost:
        skills = case.skills
        fused += v.skill_boost * np.array([max((skills.get(c, 0.0) for c in lib.competences[doc]), default=0.0)
                                           if lib.doc_types[doc] == "seance" else 0.0 for doc in docs])
    order = np.argsort(-fused, kind="stable")
    best: dict[int, list[float]] = {}
    for j in order:
        best.setdefault(int(docs[j]), []).append(float(fused[j]))
    # A document of a single passage answers as a whole: its passage stands for its second best too.
    score = {doc: s[0] + v.second_share * (s[1] if len(s) > 1 else s[0] if v.single_whole and lib.sizes[doc] == 1 else 0.0)
             for doc, s in best.items()}
    if v.profile_share:
        cand_docs = list(best)
        assert case.query_vec is not None
        sims = lib.profiles[cand_docs] @ case.query_vec
        if v.profile_norm == "relative":  # how much closer the whole document is than its best passage
            best_cos = {}
            for j in order:
                best_cos.setdefault(int(docs[j]), float(d[j]))
            sims = sims - np.array([best_cos[doc] for doc in cand_docs])
        prof = _norm(sims, "minmax")
        for doc, p in zip(cand_docs, prof):
            score[doc] += v.profile_share * float(p)
    ranked = sorted(best, key=lambda doc: -score[doc])  # stable: ties keep passage order
    return [lib.doc_names[doc] for doc in ranked[:10]]


def evaluate(lib: Library, cases: list[Case], v: Variant) -> tuple[float, float]:
    ranks = [metrics.first_rank(rank_documents(lib, c, v), c.expected) for c in cases]
    n = len(ranks) or 1
    return sum(metrics.hit_at(r, 1) for r in ranks) / n, sum(metrics.mrr_at(r, 10) for r in ranks) / n


def _questions(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """Answerable questions with their expected documents; follow-ups condensed with the question they follow."""
    from assistant import query

    items = load_gold(path)
    by_id = {i.id: i for i in items}
    out = []
    for item in items:
        if item.kind != "answerable" or not item.expected_sources:
            continue
        text = item.question
        if item.follow_up_of and item.follow_up_of in by_id:
            text = query.condense(item.question, by_id[item.follow_up_of].question)
        out.append((text, item.expected_sources))
    return out


def load(store: Path, set_paths: Iterable[Path], bm25_variants: dict[str, Callable]) -> tuple[Library, dict[str, list[Case]]]:
    """Encode each question once and score it against every passage (BM25 variants rebuilt as asked)."""
    from assistant import query
    from assistant.core import Assistant

    base = Settings()
    assistant = Assistant.from_settings(base.model_copy(update={"store": store}))
    retriever = assistant.retriever
    snap = retriever.snapshot()
    vectors = snap.passage_vectors(snap.chunks)
    assert vectors is not None
    doc_names = list(dict.fromkeys(c.doc.source for c in snap.chunks))
    doc_of = {name: i for i, name in enumerate(doc_names)}
    first = {c.doc.source: c.doc for c in snap.chunks}
    doc_index = np.array([doc_of[c.doc.source] for c in snap.chunks])
    profiles = np.stack([vectors[doc_index == i].mean(axis=0) for i in range(len(doc_names))])
    profiles /= np.linalg.norm(profiles, axis=1, keepdims=True)
    lib = Library([c.doc.source for c in snap.chunks], doc_index, doc_names,
                  [set(first[n].cycles) for n in doc_names], [set(first[n].competences) for n in doc_names],
                  [first[n].doc_type for n in doc_names], profiles)
    indexes = {"stored": snap.lexical} | {name: build(snap.chunks) for name, build in bm25_variants.items()}
    sets: dict[str, list[Case]] = {}
    checked = mismatches = 0
    for path in set_paths:
        cases = []
        for asked, expected in _questions(path):
            text = assistant.searched_text(asked, snap)
            vec = retriever.embed_query(text)
            info = query.understand(text, vec)
            case = Case(expected, {name: index.scores(text) for name, index in indexes.items()}, vectors @ vec,
                        info.cycles, info.competences, info.doc_types, vec, assistant.skills_to_boost(info, vec))
            checked += 1
            mismatches += assistant.ranked_documents(asked)[:1] != rank_documents(lib, case, Variant(
                weight=retriever.dense_weight, second_share=base.doc_second_share, profile_share=base.doc_profile_share,
                single_whole=True))[:1]
            cases.append(case)
        sets[path.name] = cases
    click.echo(f"baseline check: {checked - mismatches}/{checked} first documents equal to the assistant's ranking")
    return lib, sets


def _header_free_index(chunks: list) -> object:
    from assistant.lexical import LexicalIndex

    index = LexicalIndex()
    index.build([c.text for c in chunks])
    return index


def _title_only_index(chunks: list) -> object:
    from assistant.lexical import LexicalIndex

    index = LexicalIndex()
    index.build([f"{c.doc.title}\n{c.text}" for c in chunks])
    return index


def _params_index(k1: float, b: float) -> Callable:
    def build(chunks: list) -> object:
        from assistant.lexical import LexicalIndex

        index = LexicalIndex(k1=k1, b=b)
        index.build([c.indexed_text for c in chunks])
        return index
    return build


GRIDS: dict[str, dict[str, list]] = {
    "weight": {"weight": [0.5, 0.55, 0.6, 0.65, 0.7]},
    "candidates": {"candidates": [20, 50, 100, 200, 0]},
    "fusion": {"fusion": ["minmax", "zscore", "rrf"], "weight": [0.5, 0.6, 0.7]},
    "second": {"second_share": [0.0, 0.1, 0.2, 0.3, 0.5]},
    "profile": {"profile_share": [0.0, 0.05, 0.1, 0.15, 0.2, 0.3]},
    "profile_norm": {"profile_norm": ["minmax", "relative"], "profile_share": [0.1, 0.15]},
    "single": {"single_whole": [False, True]},
    "level": {"level_boost": [0.0, 0.05, 0.1, 0.15, 0.2], "level_penalty": [0.1, 0.2, 0.3]},
    "level_scope": {"level_scope": ["all", "sheets", "boost_sheets"], "level_boost": [0.1, 0.15], "level_penalty": [0.2]},
    "competence": {"competence_boost": [0.0, 0.025, 0.05, 0.1]},
    "doc_type": {"doc_type_boost": [0.0, 0.05, 0.1, 0.15, 0.2]},
    "skill": {"skill_boost": [0.0, 0.05, 0.1, 0.15, 0.2, 0.3]},
    "bm25": {"bm25": ["stored", "text_only", "title_only", "k1.2_b0.75", "k1.5_b0.5", "k0.9_b0.3"]},
}


@click.command()
@click.option("--set", "set_paths", multiple=True, type=click.Path(path_type=Path),
              default=[DEFAULT_SET, DEFAULT_SET.parent / "fresh.yaml"], show_default=True)
@click.option("--store", type=click.Path(path_type=Path), required=True, help="An evaluation store of the bundled corpus.")
@click.option("--grid", "grids", multiple=True, default=list(GRIDS), show_default=True, help="Which grids to run (one factor at a time).")
@click.option("--base", "base_spec", default="", help="Changes to the baseline, e.g. 'second_share=0.2,weight=0.65'.")
def main(set_paths: tuple[Path, ...], store: Path, grids: tuple[str, ...], base_spec: str) -> None:
    """Document hit@1 / MRR@10 for one factor at a time around the baseline."""
    bm25_variants = {"text_only": _header_free_index, "title_only": _title_only_index,
                     "k1.2_b0.75": _params_index(1.2, 0.75), "k1.5_b0.5": _params_index(1.5, 0.5),
                     "k0.9_b0.3": _params_index(0.9, 0.3)}
    lib, sets = load(store, set_paths, bm25_variants if "bm25" in grids else {})
    settings = Settings()
    base = Variant(weight=settings.dense_weight_for_model(), candidates=settings.candidates,
                   second_share=settings.doc_second_share, profile_share=settings.doc_profile_share,
                   single_whole=True)
    for part in filter(None, base_spec.split(",")):
        key, _, value = part.partition("=")
        field_type = type(getattr(base, key))
        base = replace(base, **{key: field_type(value)})
    names = list(sets)
    click.echo(f"{'variant':<48}" + "".join(f"{n[:12] + ' h@1':>16}{'mrr':>7}" for n in names))
    for grid in grids:
        keys = list(GRIDS[grid])
        for values in itertools.product(*(GRIDS[grid][k] for k in keys)):
            v = replace(base, **dict(zip(keys, values)))
            row = [evaluate(lib, sets[n], v) for n in names]
            label = ", ".join(f"{k}={val}" for k, val in zip(keys, values))
            click.echo(f"{label:<48}" + "".join(f"{h:>16.3f}{m:>7.3f}" for h, m in row))
        click.echo("")


if __name__ == "__main__":
    main()
