"""Document metadata: front matter wins; otherwise inferred from the text and the file name.
Unknown fields stay empty rather than guessed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from assistant.schema import DocMeta, LoadedDocument
from assistant.vocabulary import DOC_TYPES, competence_from_label, fold, levels_in_text, normalise_levels
from ingest.loaders import TABLES

# Front-matter keys accepted in French as well as in English.
_ALIASES = {
    "titre": "title", "type": "doc_type", "type_document": "doc_type", "niveaux": "levels", "niveau": "levels",
    "level": "levels", "cps": "competences", "competence": "competences", "compétences": "competences",
    "duree": "duration", "durée": "duration", "illustratif": "illustrative",
}
_DOC_TYPE_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("seance", ("seance", "seances", "fiche-seance", "fiches-seances", "atelier", "activite")),
    ("evaluation", ("evaluation", "evaluations", "rapport", "bilan-evaluation")),
    ("retour_experience", ("retour", "retours", "temoignage", "temoignages", "interview", "entretien", "retours-experience")),
    ("guide", ("guide", "guides", "methodologie", "protection")),
    ("presentation", ("presentation", "diaporama", "programme")),
]
# A "Label : value" field opens a line, or follows a sentence on the same line (« Niveau : CE2, CM1. Durée :
# 40 minutes. Compétence : … »); its value stops where the next such field starts.
_FIELD_LINE = (r"(?:^|(?<=\.)\s+)\W*(?:{label})\W*\s*:\s*\**\s*"
               r"(.+?)(?=\.\s+\W*[a-z][a-z' ()]{{1,30}}\s*:|\s*$)")


def _field_line(text: str, labels: str) -> str | None:
    """Value of a 'Label : value' line (bold markers tolerated) among the first lines of the text."""
    head = "\n".join(text.split("\n")[:40])
    match = re.search(_FIELD_LINE.format(label=labels), fold(head), flags=re.MULTILINE)
    if not match:
        return None
    # Return the original (accented) text of the matched line's value.
    start = match.start(1)
    return head[start: match.end(1)].strip(" *")


def _canonical_front_matter(raw: dict[str, Any]) -> dict[str, Any]:
    return {_ALIASES.get(str(k).lower(), str(k).lower()): v for k, v in raw.items()}


def infer_doc_type(text: str, relpath: str, suffix: str) -> str:
    declared = _field_line(text, r"type de document")
    if declared:
        folded = fold(declared)
        for key, label in DOC_TYPES.items():
            if fold(label) in folded or key in folded.replace(" ", "_"):
                return key
    for part in [fold(p) for p in Path(relpath).parts]:
        stem = Path(part).stem
        for doc_type, words in _DOC_TYPE_WORDS:
            if doc_type == "seance" and suffix in TABLES:
                continue  # a spreadsheet named « planning-seances » lists sessions; it is not a sheet
            if any(stem == w or stem.startswith(w + "-") or stem.startswith(w + "_") or f"-{w}" in stem for w in words):
                return doc_type
    folded = fold(text)
    if "deroulement" in folded and "materiel" in folded:
        return "seance"
    if suffix in (".pptx", ".odp"):
        return "presentation"
    return "autre"


def infer_levels(text: str, relpath: str) -> list[str]:
    line = _field_line(text, r"niveaux?|classes?|public")
    if line:
        return levels_in_text(line)
    match = re.search(r"cycle[-_ ]?([1-4])", fold(relpath))
    return normalise_levels(f"cycle {match.group(1)}") if match else []


def infer_competences(text: str) -> list[str]:
    line = _field_line(text, r"competences?(?: \(s\)|\(s\))?(?: visees?(?:\(s\))?)?|cps visees?")
    if not line:
        return []
    keys: list[str] = []
    for part in re.split(r"[;,/+]| — | - | et (?=[A-ZÉa-zé])", line):
        comp = competence_from_label(part)
        if comp and comp.key not in keys:
            keys.append(comp.key)
    return keys


def infer_duration(text: str) -> str | None:
    line = _field_line(text, r"duree")
    if not line:
        return None
    return normalise_duration(line)


def normalise_duration(value: str) -> str:
    """'45 minutes' → '45 min'; '1 h 30' → '1 h 30'; anything else kept as written."""
    value = value.strip().rstrip(".")
    value = re.sub(r"\bminutes?\b", "min", value)
    value = re.sub(r"\bheures?\b", "h", value)
    return value


def title_from_path(relpath: str) -> str:
    stem = Path(relpath).stem.replace("_", " ").replace("-", " ").strip()
    return stem[:1].upper() + stem[1:] if stem else relpath


def build_doc_meta(loaded: LoadedDocument, source: str, suffix: str) -> DocMeta:
    """Combine front matter, loader facts and inference into the document's metadata."""
    fm = _canonical_front_matter(loaded.front_matter)
    text = "\n".join(s.text for s in loaded.sections[:6])
    title = str(fm.get("title") or loaded.title or title_from_path(source)).strip()

    doc_type = str(fm.get("doc_type", "")).strip().lower()
    if doc_type not in DOC_TYPES:
        doc_type = infer_doc_type(text, source, suffix)

    levels = normalise_levels(fm["levels"]) if fm.get("levels") else infer_levels(text, source)

    if fm.get("competences"):
        raw = fm["competences"] if isinstance(fm["competences"], list) else [fm["competences"]]
        comps = [c.key for c in (competence_from_label(str(x)) for x in raw) if c]
        competences = list(dict.fromkeys(comps))
    else:
        competences = infer_competences(text)

    duration = normalise_duration(str(fm["duration"])) if fm.get("duration") else infer_duration(text)
    if doc_type == "autre" and suffix not in TABLES and duration and (levels or competences):
        doc_type = "seance"  # a class, a duration and a skill: a session sheet, whatever its file is called
    illustrative = fm.get("illustrative")
    return DocMeta(
        source=source, title=title, doc_type=doc_type, levels=tuple(levels), competences=tuple(competences),
        duration=duration, illustrative=bool(illustrative) if illustrative is not None else None,
    )
