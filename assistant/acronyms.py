"""Acronyms the library spells out, to find what « c'est quoi les CPS ? » or « IREPS ? » asks about.

An acronym is a word every document of a programme uses: searched alone, it matches them all, and the
definition does not stand out (« c'est quoi les CPS ? » opened on the history of a website). The library
says what its acronyms mean, as « compétences psychosociales (CPS) », « IREPS (Instance régionale…) » or a
glossary line « **ARS** : Agence régionale de santé ». Those spellings are read once per snapshot;
a question asking what an acronym is then searches for its expansion too. Pure functions over text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from assistant.vocabulary import fold

_ACRONYM = r"[A-Z][A-Za-z]?[A-Z]{1,7}"
# « IREPS (Instance régionale d'éducation…) » and glossary lines « **ARS** : Agence régionale de santé ».
_AFTER = re.compile(r"(?<![\w-])\**(" + _ACRONYM + r")\**(?:\s+(?:[A-Z][\w'’-]*|de|la|du|des)){0,4}\s*"
                    r"(?:\(([^()]{6,120})\)|:\s*([^.;:\n()]{6,120}))")
_SMALL = frozenset("de des du d la le les l et en a au aux pour sur".split())
# The words of « c'est quoi les CPS (en fait) ? », « que veut dire IREPS exactement ? », « CPS ça veut dire quoi ? »,
# « les CPS ça sert à quoi ? ».
# Compared word by word with apostrophes split off (« c'est » is « c » and « est »).
_WHAT_WORDS = frozenset("""c est est-ce qu l d quoi ce que veut dire ca signifie signifient exactement en gros au juste donc
alors deja svp stp les le la un une des du de sont se cela ceci definition definir sigle sigles acronyme terme mot
mots veulent quel quelle fait vraiment concretement a sert servent servir utile utiles utilite""".split())


def _initials(words: list[str]) -> str:
    """First letters of the content words (« d'éducation » counts as « e »)."""
    content = [re.sub(r"^[dl]['’]", "", fold(w)) for w in words if fold(w).strip("'’") not in _SMALL]
    return "".join(w[:1] for w in content if w)


def _matches(acronym: str, words: list[str]) -> bool:
    """The expansion starts on the acronym's first letter and its words' initials spell all the acronym's
    letters in order but one at most (« compétences psychosociales » for CPS: psychosociales carries the S)."""
    initials, letters = _initials(words), fold(acronym)
    if not initials or initials[0] != letters[0]:
        return False
    found, i = 0, 0
    for ch in initials:
        if i < len(letters) and ch == letters[i]:
            found, i = found + 1, i + 1
    # Long acronyms skip a letter more often (URADEL: « union régionale des directions diocésaines… »).
    return found >= len(letters) - (2 if len(letters) >= 5 else 1) and len(initials) <= len(letters) + 4


def _expansion_before(acronym: str, text: str) -> str | None:
    """The shortest run of words just before « (ACR) » that spells the acronym."""
    words = text.split()
    for start in range(len(words) - 1, -1, -1):
        run = words[start:]
        if fold(run[0]).strip("'’") in _SMALL:
            continue
        if _matches(acronym, run):
            return " ".join(run)
    return None


_IN_PARENTHESES = re.compile(r"\((" + _ACRONYM + r")\)")


def glossary(texts: Iterable[str]) -> dict[str, str]:
    """Acronym → its most frequent spelled-out form in `texts`."""
    seen: dict[str, Counter[str]] = {}
    for text in texts:
        if "(" not in text and ":" not in text:
            continue
        plain = text.replace("**", "").replace("*", "")
        for m in _IN_PARENTHESES.finditer(plain):
            expansion = _expansion_before(m.group(1), " ".join(plain[max(0, m.start() - 160):m.start()].split()[-10:]))
            if expansion:
                seen.setdefault(m.group(1), Counter())[expansion.strip(" ,")] += 1
        for m in _AFTER.finditer(text):
            acronym, expansion = m.group(1), (m.group(2) or m.group(3) or "").strip()
            words = expansion.split()
            if words and _matches(acronym, words) and not re.search(r"\d", expansion):
                seen.setdefault(acronym, Counter())[expansion.replace("*", "")] += 1
    return {acronym: counts.most_common(1)[0][0] for acronym, counts in seen.items()}


def _words(question: str) -> list[str]:
    return re.findall(r"[\w-]+", question.replace("’", "'").replace("'", " "))


# « c'est quoi les CPS ? je débarque », « je débarque, les CPS c'est quoi ? »: each sentence or clause is read on its
# own, so what comes before or after the question does not hide it.
_SENTENCE = re.compile(r"[^?!.,;]+[?!.,;]*")


def _sentences(question: str) -> list[str]:
    return _SENTENCE.findall(question) or [question]


def may_ask_about_one(question: str) -> bool:
    """Cheap test before reading the library: a sentence of the question is « c'est quoi X ? », « X ça veut dire
    quoi ? » or « X ? » with X one or two short words that could be acronyms."""
    for sentence in _sentences(question):
        others = [w for w in _words(sentence) if fold(w) not in _WHAT_WORDS]
        if 1 <= len(others) <= 2 and all(w.isalpha() and 2 <= len(w) <= 8 for w in others):
            return True
    return False


def expand(question: str, known: dict[str, str]) -> str:
    """The question with each acronym it asks about spelled out, in each sentence that asks what an acronym is
    or names nothing else (« IREPS ? »); the question unchanged otherwise."""
    return "".join(_expand_sentence(sentence, known) for sentence in _sentences(question)) if question.strip() else question


_ARTICLE = re.compile(r"(?:l'|le |la |les )", re.IGNORECASE)


def _expand_sentence(sentence: str, known: dict[str, str]) -> str:
    words = _words(sentence)
    asked = [w for w in words if len(w) >= 2 and w.upper() in known]
    # Only when the acronym is what the sentence is about: « Sirena CPS, c'est quoi ? » asks about Sirena.
    if not asked or any(fold(w) not in _WHAT_WORDS for w in words if w not in asked):
        return sentence
    # Replaced rather than added to: left in, the acronym keeps matching every document that uses it.
    for word in dict.fromkeys(asked):
        full = known[word.upper()]
        if fold(full) not in fold(sentence):
            # « c'est l'ARS ? » with « l'Agence régionale de santé »: one article, not « l'l'Agence ».
            article = r"(?:\b(?:[lL]'|[lL]es? |[lL]a ))?" if _ARTICLE.match(full) else ""
            sentence = re.sub(rf"{article}(?<![\w-]){re.escape(word)}(?![\w-])", lambda _m, f=full: f, sentence)
    return sentence


_LEADING_ARTICLE = re.compile(r"^(?:[lLdD]['’]|(?:le|la|les) )")


def spell_out_named(question: str, known: dict[str, str], folded_texts: Sequence[str], rare: Callable[[str], bool]) -> str:
    """The question with each acronym it names in capitals that the library spells out followed by its spelled-out
    form (« en lien avec l'EMC » → « … l'EMC (enseignement moral et civique) »), so that the passages saying the words
    and not the acronym (« Les séances s'appuient sur l'enseignement moral et civique ») are found too. Only for an
    acronym `rare(folded acronym)` accepts (not « CPS », in most passages) and that one of `folded_texts` (the
    library's passages) spells out without naming it (not « ANPAA », always named so)."""
    asked = fold(question)

    def spelled(match: re.Match[str]) -> str:
        word = match.group(0)
        full = _LEADING_ARTICLE.sub("", known.get(word, ""))
        folded, short = fold(full), fold(word)
        if not full or folded in asked or not rare(short) or not any(
                folded in text and not re.search(rf"\b{re.escape(short)}\b", text) for text in folded_texts):
            return word
        return f"{word} ({full})"

    return re.sub(r"(?<![\w-])" + _ACRONYM + r"(?![\w-])", spelled, question)

