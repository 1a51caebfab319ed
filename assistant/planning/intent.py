"""Chat requests that ask for a plan rather than an answer: « prépare-moi 6 séances sur les émotions
pour mes CE2 » → a progression, « j'anime une demi-journée pour des néo-titulaires » → a workshop.
Questions (« comment animer une séance sur les émotions en CE1 ? ») are left to the answerer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.planning.progression import MONTHS
from assistant.vocabulary import CLASSES, fold, levels_in_text

DEFAULT_SESSIONS = 6
DEFAULT_MINUTES = 45
DEFAULT_THEME = "animer une séance CPS"

_NUMBERS = {"une": 1, "un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
            "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30}
_NUM = r"(\d+|" + "|".join(_NUMBERS) + r")"
# A question asks how or why: it is answered from the documents, not planned.
_QUESTION_START = re.compile(r"^(comment|pourquoi|qu'est|que |quel|quelle|quels|quelles|ou |est-ce|combien|qui |a quoi)")
_REQUEST = re.compile(
    r"\b(prepare|preparer|construis|construire|planifie|planifier|propose|proposer|organise|organiser|elabore|"
    r"elaborer|fais|faire|donne|il me faut|j'ai besoin|je veux|je voudrais|j'aimerais|peux-tu|pourrais-tu|"
    r"j'anime|j'animerai|je vais animer|je dois animer|animer)\b")
_SESSIONS = re.compile(_NUM + r"\s+seances?\b")
_PROGRESSION = re.compile(r"\b(progression|sequence|cycle de seances|programme de seances)\b")
_WORKSHOP = re.compile(r"\b(atelier|formation|demi-journee|demi journee|journee|matinee|apres-midi|session|"
                       r"temps de formation|animation pedagogique)\b")
_AUDIENCE_HINT = re.compile(r"\b(neo-titulaires?|neotitulaires?|stagiaires?|enseignants?|professeurs?|collegues?|"
                            r"equipe|formateurs?|infirmie\w*|professionnels?|animateurs?|atsem|parents?)\b")


@dataclass
class ProgressionRequest:
    level: str
    competences: list[str] = field(default_factory=list)
    sessions: int = DEFAULT_SESSIONS
    minutes: int = DEFAULT_MINUTES
    period: str | None = None
    defaults: list[str] = field(default_factory=list)  # fields not given in the request


@dataclass
class WorkshopRequest:
    public: str
    minutes: int
    theme: str
    defaults: list[str] = field(default_factory=list)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


def _minutes(folded: str) -> int | None:
    if re.search(r"\bdemi[- ]journee\b|\bmatinee\b|\bapres-midi\b", folded):
        return 180
    if re.search(r"\bjournee\b", folded):
        return 360
    m = re.search(_NUM + r"\s*h(?:eures?)?\s*(\d+)?\b", folded)
    if m:
        return _number(m.group(1)) * 60 + int(m.group(2) or 0)
    if re.search(r"\bune heure\b", folded):
        return 60
    m = re.search(_NUM + r"\s*min", folded)
    return _number(m.group(1)) if m else None


def _after(folded: str, original: str, starts: str, stops: str) -> str | None:
    """The words after `starts` up to `stops` (in the original spelling)."""
    m = re.search(rf"\b(?:{starts})\s+(.+?)(?=\s+(?:{stops})\b|[,.?!;]|$)", folded)
    if not m:
        return None
    return original[m.start(1):m.end(1)].strip() or None


def _level_text(question: str) -> str | None:
    levels = levels_in_text(question)
    if not levels:
        m = re.search(r"\b(lycee|seconde|premiere|terminale|lyceens?|cap|bts|universite)\b", fold(question))
        return question[m.start():m.end()] if m else None
    cycles = {CLASSES[lv] for lv in levels}
    cycle = re.search(r"\bcycle ?([1-4])\b", fold(question))
    if cycle:
        return f"cycle {cycle.group(1)}"
    return ", ".join(levels) if len(cycles) == 1 or len(levels) <= 3 else ", ".join(levels)


def parse(question: str) -> ProgressionRequest | WorkshopRequest | None:
    """The planner's fields when the message asks for a plan; None for an ordinary question."""
    original = " ".join(question.split())
    folded = fold(original)
    # A message that asks how/why/what anywhere (« …Quels repères je peux leur donner ? ») wants an answer.
    if any(_QUESTION_START.match(part.strip()) for part in re.split(r"(?<=[.?!])\s+", folded)):
        return None
    if not _REQUEST.search(folded):
        return None
    sessions = _SESSIONS.search(folded)
    if sessions and _number(sessions.group(1)) < 2:
        sessions = None  # « une séance sur la colère » asks for one sheet: the answerer lays it out
    if sessions or _PROGRESSION.search(folded):
        level = _level_text(original)
        if level is None:
            return None  # a progression needs a class; without one the question is answered instead
        req = ProgressionRequest(level=level)
        if sessions:
            req.sessions = _number(sessions.group(1))
        else:
            req.defaults.append("sessions")
        minutes = _minutes(folded)
        if minutes:
            req.minutes = minutes
        else:
            req.defaults.append("minutes")
        theme = _after(folded, original, r"sur|autour d[eu']s?|pour travailler", r"pour|en|avec|de \d+|d'une|de novembre|entre|chez|dans")
        if theme:
            req.competences = [re.sub(r"^(?:les|la|le|l'|des|de la|du)\s*", "", theme, flags=re.IGNORECASE)]
        months = re.search(r"\b(?:de|d')\s*(\w+)\s+(?:a|au|jusqu'a|jusqu'en)\s+(\w+)", folded)
        if months and all(m in MONTHS for m in months.groups()):
            req.period = f"{months.group(1)}-{months.group(2)}"
        return req
    if _WORKSHOP.search(folded) or ("j'anime" in folded and _AUDIENCE_HINT.search(folded)):
        if not _AUDIENCE_HINT.search(folded):
            return None
        minutes = _minutes(folded)
        req_w = WorkshopRequest(public="", minutes=minutes or 120, theme=DEFAULT_THEME)
        if not minutes:
            req_w.defaults.append("minutes")
        public = _after(folded, original, r"pour|aupres d[eu']s?|avec", r"sur|autour|de \d+|d'une|en|pendant")
        m = _AUDIENCE_HINT.search(folded)
        req_w.public = re.sub(r"^(?:des|les|mes|nos|une|un|de|d')\s+", "", public, flags=re.IGNORECASE) if public else (
            original[m.start():m.end()] if m else "enseignants")
        theme = _after(folded, original, r"sur|autour d[eu']s?", r"pour|avec|de \d+|d'une|pendant")
        if theme:
            req_w.theme = re.sub(r"^(?:les|la|le|l'|des)\s*", "", theme, flags=re.IGNORECASE)
        else:
            req_w.defaults.append("theme")
        return req_w
    return None
