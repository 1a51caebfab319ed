"""A question asking for a whole list (« quelles sont les erreurs à éviter ? », « quelles sont les étapes ? ») whose
answer is a document's run of numbered sections (« Piège n° 1 — … » to « Piège n° 6 — … », « 1. Accueil » to
« 5. Clôture »): the best passage is one of them, and quoting it shows one item of six. The answer then opens
with the whole run, each section named with its first sentence (verbatim, cited). So too when the best passage
opens a section whose subsections are the list (« les grandes catégories du référentiel ? »: « 3 catégories, 9
compétences générales » above « Compétences cognitives », « … émotionnelles », « … sociales »)."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.extractive import Citations, sentences, unmarked
from assistant.lexical import analyze
from assistant.schema import Chunk
from assistant.vocabulary import fold

# « quelles erreurs éviter… ? », « quels indicateurs… ? »: the kind of item asked, a plural noun right after the interrogative.
_ITEMS_NAMED = re.compile(r"\bquel(?:le)?s (?!sont\b|etaient\b|seraient\b|les\b|ses\b|leurs\b)([a-z]{3,}[sx])\b")
# « quels sont les… », « quelles étaient les… », « les principaux… », « la liste des… », « les différentes étapes », and a
# kind of item named (`_ITEMS_NAMED`)
_ASKS_FOR_A_LIST = re.compile(
    r"\b(?:quel(?:le)?s (?:sont|etaient|seraient) (?:les|ses|leurs)|quel(?:le)?s (?:les|ses|leurs)|la liste des|lister"
    r"|les (?:principaux|principales|differents|differentes|grandes etapes|etapes)"
    r"|les (?:grandes |principales |differentes )?(?:categories|familles))\b|" + _ITEMS_NAMED.pattern)
_NUMBERED = re.compile(r"^(.*?)\b(\d{1,2})\b")
MIN_SECTIONS = 3


def asks_for_a_list(question: str) -> bool:
    """Whether the question asks for every item of a kind rather than one fact."""
    return bool(_ASKS_FOR_A_LIST.search(fold(question)))


def lists_what_is_asked(question: str, doc_chunks: list[Chunk]) -> bool:
    """Whether a document's run of sections can list the kind of item the question names (« quelles difficultés… ? »):
    that word is somewhere in the document (its title, headings or text). The seven steps of a project guide are no
    list of the difficulties or the indicators it was asked for; a question naming no kind (« quelles sont les étapes
    ? ») is listed."""
    named = _ITEMS_NAMED.search(fold(question))
    if named is None:
        return True
    return bool(set(analyze(named.group(1))) & set(analyze(" ".join(c.indexed_text for c in doc_chunks))))


# How many of the best passages may offer their run of sections to a question asking for a list.
RUN_CANDIDATES = 3


def best_run(question: str, candidates: list[Chunk], document_chunks: Callable[[str], list[Chunk]], terms: list[str],
             idf: Callable[[str], float]) -> list[Chunk]:
    """The run of sections that answers a question asking for a list: among the runs of the best passages
    (`candidates`, best first; none when the best passage is in none), the one whose frame — its document's title and
    the headings above it — shares most of the question's terms (weighted by idf), the best passage's on a tie. « Je
    forme des enseignants… la structure type d'une séance, les étapes à respecter ? » is best answered by a project
    guide's passage on training, but the steps it asks for are those under « Le déroulement type d'une séance », not
    the seven steps of « Monter un projet »."""
    asked = set(terms)
    best: tuple[float, list[Chunk]] = (float("-inf"), [])
    for at, chunk in enumerate(candidates):
        in_document = document_chunks(chunk.doc.source)
        run = numbered_run(in_document, chunk) or child_run(in_document, chunk)
        if not run or not lists_what_is_asked(question, in_document):
            if at == 0:
                return []  # the best passage is in no list: the answer is no list
            continue
        frame = set(analyze(" ".join([chunk.doc.title, *run[0].heading_path[:-1]])))
        score = sum(idf(t) for t in asked & frame)
        if score > best[0]:
            best = (score, run)
    return best[1]


def numbered_run(doc_chunks: list[Chunk], chunk: Chunk) -> list[Chunk]:
    """The first passage of each section numbered like `chunk`'s own (same parent section, same words before the
    number), in document order; empty when `chunk` is in no such run of at least three."""
    own = _NUMBERED.match(chunk.heading_path[-1]) if chunk.heading_path else None
    if own is None:
        return []
    prefix = own.group(1)
    return _sections_under(doc_chunks, tuple(chunk.heading_path[:-1]),
                           lambda heading: (m := _NUMBERED.match(heading)) is not None and m.group(1) == prefix)


def child_run(doc_chunks: list[Chunk], chunk: Chunk) -> list[Chunk]:
    """The first passage of each subsection of `chunk`'s own section, in document order; empty when it has fewer
    than three."""
    return _sections_under(doc_chunks, tuple(chunk.heading_path), lambda _heading: True) if chunk.heading_path else []


def _sections_under(doc_chunks: list[Chunk], parent: tuple[str, ...], keep: Callable[[str], bool]) -> list[Chunk]:
    """The first passage of each section right under `parent` whose heading `keep` accepts, in document order; empty
    when there are fewer than MIN_SECTIONS."""
    firsts: dict[str, Chunk] = {}
    for c in sorted(doc_chunks, key=lambda c: c.ordinal):
        if c.heading_path and tuple(c.heading_path[:-1]) == parent and keep(c.heading_path[-1]):
            firsts.setdefault(c.heading_path[-1], c)
    return list(firsts.values()) if len(firsts) >= MIN_SECTIONS else []


# « - **Avoir conscience de soi** : connaissance de soi… »: a list item's label.
_ITEM_LABEL = re.compile(r"^\s*[-*•]\s*\*\*([^*]{2,80})\*\*")


def overview(run: list[Chunk], cites: Citations) -> str:
    """The run as a list: each section's heading in bold, then the labels of its list items (« Compétences
    cognitives : Avoir conscience de soi ; Capacité de maîtrise de soi ; … ») or else its first sentence, cited."""
    doc = run[0].doc
    where = f" (§ {' › '.join(run[0].heading_path[:-1])})" if run[0].heading_path[:-1] else ""
    lines = [f"**{doc.title}**{where} en présente {len(run)} :", ""]
    for chunk in run:
        labelled = [(line, m.group(1).strip()) for line in chunk.text.split("\n") if (m := _ITEM_LABEL.match(line))]
        if len(labelled) >= 2:
            n = cites.cite_all(chunk, [line.strip() for line, _ in labelled])
            lines.append(f"- **{chunk.heading_path[-1]}** : " + " ; ".join(label.rstrip(" :") for _, label in labelled) + f" [{n}]")
            continue
        first = next(iter(sentences(chunk.text)), "")
        lines.append(f"- **{chunk.heading_path[-1]}**" + (f" : {unmarked(first)} [{cites.cite(chunk, first)}]" if first else ""))
    return "\n".join(lines)
