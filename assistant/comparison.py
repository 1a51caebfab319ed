"""Questions that compare things: « quelle différence entre le message clair et le tapis de la paix ? ».

Retrieved as one question, a comparison finds the passages of whichever side the library says more
about, and the answer shows one sheet. Read here into its sides, each side is retrieved on its own
(assistant/core.py) and shown under its own heading (assistant/compose.py); a passage that already
speaks of every side leads. Pure functions over text."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from assistant.lexical import analyze

# What introduces the things compared; matched on the lower-cased question, accents optional.
_SIDES_AFTER = re.compile(
    r"\bdiff[ée]rences?\s+(?:qu'il\s+y\s+a\s+|il\s+y\s+a\s+)?entre\s+(?P<sides>.+)"
    r"|\b(?:comparer|compare|comparez|comparaison\s+(?:entre|de|du|des))\s+(?P<sides2>.+)")
_A_FROM_B = re.compile(
    r"\b(?:qu'est-ce\s+qui|qu'est\s+ce\s+qui|ce\s+qui)\s+(?:distingue|diff[ée]rencie)\s+(?P<a>.+?)\s+(?:de|du|des|d')\s*(?P<b>.+)"
    r"|\ben\s+quoi\s+(?P<a2>.+?)\s+(?:diff[èe]re(?:nt)?|se\s+distinguen?t?|se\s+diff[ée]rencien?t?)(?:-t-(?:il|elle))?\s+(?:de|du|des|d')\s*(?P<b2>.+)"
    r"|^(?P<a3>.+?)\s+(?:vs\.?|versus)\s+(?P<b3>.+)")
# Where the things compared end: the question mark, a new sentence, a colon.
_END = re.compile(r"\s*(?:\?|[.!;:]\s|$|,\s*(?:en\s+gros|concr[èe]tement|exactement|svp|s'il\s+vous\s+pla[iî]t)\b)")
_SPLIT = re.compile(r"\s*,\s*(?:et\s+)?|\s+et\s+(?:entre\s+)?|\s+ou\s+")
_ADJECTIVE = re.compile(r"(?:elle|ale|ive|ique|aire|eux|euse|el|if|al)s?$")
_PRONOUN = re.compile(r"^(?:celui|celle|ceux|celles)\s+(d'|de\s|du\s|des\s)", re.IGNORECASE)
_OF = re.compile(r"\s+(?:de|du|des|d')\s*(?=\S)|\s+d'", re.IGNORECASE)
_TRAILING = re.compile(r"[\s,.;:!?»«\"']+$")


def sides(question: str, limit: int = 3) -> list[str]:
    """The two or three things a question compares, as written (« le cartable des CPS », « En santé à
    l'école »); [] when the question compares nothing."""
    text = question.replace("’", "'").strip()
    lowered = text.lower()
    match = _SIDES_AFTER.search(lowered)
    if match:
        start = match.start("sides") if match.group("sides") else match.start("sides2")
        span = text[start:]
        span = span[:_END.search(span.lower()).start()]
        parts = [p for p in _SPLIT.split(span) if p]
    else:
        match = _A_FROM_B.search(lowered)
        if not match:
            return []
        groups = [("a", "b"), ("a2", "b2"), ("a3", "b3")]
        a, b = next((x, y) for x, y in groups if match.group(x))
        second = text[match.start(b):]
        parts = [text[match.start(a):match.end(a)], second[:_END.search(second.lower()).start()]]
    parts = [_TRAILING.sub("", p).strip() for p in parts]
    parts = [p for p in parts if len(analyze(p)) >= 1]
    # « compétences sociales, émotionnelles et cognitives »: a lone adjective shares the first side's noun.
    first = parts[0].split() if parts else []
    if len(first) >= 2 and _ADJECTIVE.search(first[-1]):
        parts = parts[:1] + [" ".join(first[:-1] + [p]) if len(p.split()) == 1 and _ADJECTIVE.search(p) else p for p in parts[1:]]
    # « les co-interventions de 2001-2014 et celles d'En santé à l'école »: the pronoun stands for the first side's noun.
    noun = _OF.split(parts[0], maxsplit=1)[0] if parts else ""
    parts = parts[:1] + [_PRONOUN.sub(lambda m: noun + " " + m.group(1), p) if noun != parts[0] else p for p in parts[1:]]
    return parts[:limit] if 2 <= len(parts) else []


def mentions(text: str, side: str, idf: Callable[[str], float], share: float = 0.6) -> bool:
    """Does `text` speak of `side`: at least `share` of the side's IDF-weighted words present?"""
    weights = {t: max(idf(t), 0.0) for t in dict.fromkeys(analyze(side))}
    total = sum(weights.values())
    if total == 0:
        return False
    present = set(analyze(text))
    return sum(w for t, w in weights.items() if t in present) / total >= share


# A line wholly in italics is an editorial notice (« *Exemple illustratif… cartable des CPS ni du programme
# En santé à l'école.* »): it names things without saying anything about them.
_NOTICE = re.compile(r"^\s*\*[^*].*\*\s*$", re.MULTILINE)


def speaks_of_all(texts: Iterable[str], compared: list[str], idf: Callable[[str], float]) -> int | None:
    """The index of the first text that speaks of every side compared (notices aside), if any."""
    return next((i for i, t in enumerate(texts) if all(mentions(_NOTICE.sub("", t), side, idf) for side in compared)), None)
