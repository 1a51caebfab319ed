"""A message that asks several things (« c'est quoi ce programme ? C'était pour quelles classes ? », « combien de
médiateurs, formés comment ? », « présenté quand et où ? »): its questions, the kind of answer each asks, and
whether a sentence gives it. Pure functions over text.

Retrieval and the answer's opening follow the whole message, which its first question usually leads; a question
the opening does not answer gets one sentence (extractive.sub_answers), chosen by its own words weighed double
against the message's and, when it asks for a kind of answer (a date, a count, classes, someone, a place), among
the sentences that give one."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from assistant import asked_fact, relevance
from assistant.vocabulary import fold

# A clause that asks by itself: an interrogative within its first four words (« formés comment », « et quelles
# limites », « depuis quand »). « ou » unaccented asks only as the clause's last word (« quand et ou ? »).
_INTERROGATIVES = r"qui|quand|où|comment|combien|pourquoi|quel|quelle|quels|quelles|quoi"
_ASKS = re.compile(r"^(?:\S+\s+){0,3}(?:c'est quoi|" + _INTERROGATIVES + r")\b"
                   r"|^(?:\S+\s+){0,3}ou\s*$|^(?:y a|y a-t-il|il y a|est-ce qu(?:e|')|peut-on|on peut|je peux|faut-il)\b", re.IGNORECASE)
_ASKS_ANYWHERE = re.compile(r"\b(?:" + _INTERROGATIVES + r")\b", re.IGNORECASE)
_JOINS = re.compile(r",\s+|\s+et\s+", re.IGNORECASE)
_OPENING_JOIN = re.compile(r"^(?:et|mais|puis|ou alors|alors)\s+", re.IGNORECASE)

# Kinds of answer a question's words ask for, besides asked_fact's (dates, counts, durations, rates).
_ASKS_LEVEL = re.compile(r"\b(?:quelles? classes?|quels? niveaux?|quels? cycles?|quels? ages?|a partir de quel age"
                         r"|pour quel public|pour quels eleves)\b")
_ASKS_WHO = re.compile(r"^\W*(?:et\s+)?(?:qui|par qui)\b|\b(?:par qui|qui (?:l'a|les a|a|ont|avait|avaient|est|sont|etait|etaient"
                       r"|port\w*|pilot\w*|financ\w*|coordonn\w*))\b")
# « qui pilotait ? », « qui a porté le programme ? », « ses partenaires ? »: who ran, funded, led or made something
# (not who may run a session), and the words with which a text says so.
# (« une équipe qui veut se lancer » is no question about who launched something: a reflexive verb says what one does)
_ASKS_AGENT = re.compile(r"\b(?:par qui|(?:qui|qu'est-ce qui)\b(?:\s+(?!se\b|s')\S+){0,3}?\s+(?<!\bse )(?<!\bs')(?:port\w*|pilot\w*|coordonn\w*|financ\w*"
                         r"|men[ea]\w*|conduit\w*|derriere|cree\w*|lance\w*|initie\w*|realise\w*|dirige\w*|concu\w*)|partenaires?)\b")
_STATES_AGENT = re.compile(r"\b(?:coordination|coordonn\w*|pilot\w*|porte\w* par|financ\w*|partenari\w*|partenaires?"
                           r"|confie\w* (?:a|au|aux)|mene\w* par|conduit\w* par|engage\w*|convention|cree\w* (?:en \d{4} )?par"
                           r"|a l'initiative|realise\w* par|dirige\w* par|artisans)\b")
_ASKS_WHERE = re.compile(r"\b(?:ou|dans quelle ville|a quel endroit|dans quel lieu)\s*\W*$|^\W*(?:et\s+)?ou\b")
_NAME = re.compile(r"(?<![.!?:]\s)(?<!^)\b(?:[A-ZÀ-Ý]{2,}\b|[A-ZÀ-Ý][a-zà-ÿ]+)")
# A place: a capitalised name after « à », « au », « en », « dans » (« à Angers », « en Vendée »).
_PLACE = re.compile(r"\b(?:à|au|aux|en|dans) (?:l'|la |le )?[A-ZÀ-Ý][a-zà-ÿ]+")
# Classes or ages, as a sentence names them (« en priorité en cycle 3 (CM1, CM2, 6e) », « enfants de 8 à 11 ans »);
# an ordinal in words (« troisième phase ») is none.
_LEVEL = re.compile(r"\bcycles? ?[1-4]\b|\b(?:cp|ce1|ce2|cm1|cm2|6e|5e|4e|3e|ps|ms|gs)\b|\bmaternelles?\b|\belementaires?\b"
                    r"|\bcolleges?\b|\blycees?\b|\b(?:petite|moyenne|grande)s? sections?\b|\b\d{1,2} ans\b")


@dataclass(frozen=True)
class SubQuestion:
    text: str  # as typed
    terms: frozenset[str]  # its own index terms, framing words left out
    kind: str | None  # date, count, duration, percent, level, who, where, or None
    message: str = ""  # the whole message it is part of


def split(question: str) -> list[str]:
    """The questions of a message, as typed; one item when it asks one thing."""
    pieces: list[str] = []
    parts = re.split(r"\?+", question)
    # What follows the last question mark is said, not asked (« …? Je prépare une diapo. »), unless it asks by itself.
    if len(parts) > 1 and not _ASKS.search(_OPENING_JOIN.sub("", parts[-1].strip())):
        parts = parts[:-1]
    for part in parts:
        start = 0
        for join in _JOINS.finditer(part):
            before, after = part[start:join.start()], part[join.end():]
            # A later clause that asks by itself opens a question of its own when the text before it asks too.
            if _ASKS.search(_OPENING_JOIN.sub("", after.strip())) and _ASKS_ANYWHERE.search(before):
                pieces.append(before)
                start = join.end()
        pieces.append(part[start:])
    pieces = [_asking_clause(p.strip(" ,;:.!")) for p in pieces if re.search(r"\w", p)]
    # « quels outils pour évaluer… ? questionnaire, grille d'observation ? »: a list of short options after a question
    # offers answers to it, and asks nothing of its own.
    merged: list[str] = []
    for piece in pieces:
        if merged and _OPTIONS.match(piece) and not _ASKS_ANYWHERE.search(piece):
            merged[-1] = f"{merged[-1]} ? {piece}"
        else:
            merged.append(piece)
    return merged


# Two to four options of at most three words each, between commas or « ou ».
_OPTIONS = re.compile(r"^[^\W\d][\w'-]*(?: [\w'-]+){0,2}(?:(?:, | ou |, ou )[^\W\d][\w'-]*(?: [\w'-]+){0,2}){1,3}$")


# The asker speaking of themself: « je viens d'arriver », « on m'a parlé de… », « nous avons… ».
_SELF = re.compile(r"(?:^|\s)(?:je\b|j'|moi\b|nous\b|on m'|on me\b|on nous\b)", re.IGNORECASE)


def _asking_clause(piece: str) -> str:
    """A question without the clauses before it in which the asker speaks of themself and asks nothing (« bonjour je
    viens d'arriver comme infirmière, on m'a parlé du programme, il a duré de quand à quand »): their words
    (« infirmière », « arriver ») would choose its sentence. A clause that says where to look (« dans le récit sur la
    formation de formateurs, … ») stays."""
    clauses = re.split(r",\s+", piece)
    at = 0
    while at < len(clauses) - 1 and _SELF.search(clauses[at]) and not _ASKS_ANYWHERE.search(clauses[at]):
        at += 1
    return ", ".join(clauses[at:])


def read(question: str, terms_of: Callable[[str], list[str]]) -> list[SubQuestion]:
    """The message's questions with their terms and the kind of answer each asks (only when there are several)."""
    texts = split(question)
    if len(texts) < 2:
        return []
    neutral = relevance.neutral_terms(True)
    return [SubQuestion(t, frozenset(x for x in terms_of(t) if x not in neutral), kind_asked(t), question) for t in texts]


def kind_asked(question: str) -> str | None:
    """What a single question asks for, when it asks for a kind of answer a sentence can be checked to give."""
    folded = fold(question)
    kinds = asked_fact.read_question(question).kinds & {"date", "count", "duration", "percent"}
    if kinds:
        return sorted(kinds)[0]
    if _ASKS_LEVEL.search(folded):
        return "level"
    if _ASKS_WHO.search(folded):
        return "who"
    if _ASKS_WHERE.search(folded):
        return "where"
    return None


# « quels résultats ? », « qu'est-ce qu'elle a montré ? », « c'est prouvé que ça marche ? »: what came out of an
# evaluation or a programme, and the words with which a text states it.
_ASKS_OUTCOME = re.compile(r"\b(?:resultats?|a montre|ont montre|montre quoi|a conclu|ont conclu|conclusions?|ca a marche"
                           r"|ca marche|prouve\w*|a donne quoi|qu'est-ce que ca a donne)\b")
# (« une réussite », not « un levier de réussite pour tous les élèves », the aim of a colloquium)
_STATES_OUTCOME = re.compile(r"\b(?:conclu\w*|a montre|ont montre|montrent|une reussite|un succes|ont montre leur efficacite"
                             r"|resultats (?:publies|obtenus))\b")


def asks_outcome(question: str) -> bool:
    """The question asks what came out of something (« quels résultats ? », « ça a marché ? »)."""
    return bool(_ASKS_OUTCOME.search(fold(question)))


def states_outcome(text: str) -> bool:
    """`text` states what came out of something (« l'évaluation conclut à une réussite »)."""
    return bool(_STATES_OUTCOME.search(fold(text)))


def asks_agent(question: str) -> bool:
    """The question asks who ran, funded, led, made or partnered something."""
    return bool(_ASKS_AGENT.search(fold(question).replace("’", "'")))


def names_agency(text: str) -> bool:
    """`text` has a word saying who did something (« coordination », « porté par », « partenaires », « confiée à »)."""
    return bool(_STATES_AGENT.search(fold(text.replace("*", ""))))


# A name soon after the word of agency, in the same clause: « confiée au cabinet Planète Publique », « Coordination :
# l'IREPS », not « le rapport analyse : le pilotage du programme ; les modalités… ».
_NAME_SOON = re.compile(r"[^.;!?\n]{0,60}?(?:\b[A-Z]{2,}\b|\b[A-Z][a-z]+)")


def states_agent(text: str) -> bool:
    """`text` says who ran, funded, led or made something: a word of agency followed closely by a name."""
    # accents dropped, case kept (the name is read by its capital), so that positions match the folded text's
    plain = "".join(c for c in unicodedata.normalize("NFD", text.replace("*", "").replace("’", "'"))
                    if not unicodedata.combining(c))
    return any(_NAME_SOON.match(plain, m.end()) for m in _STATES_AGENT.finditer(plain.lower()))


def gives(sub: SubQuestion, sentence: str) -> bool:
    """Whether `sentence` holds an answer of the kind `sub` asks for (any sentence when it asks no kind)."""
    if sub.kind is None:
        return True
    folded = fold(sentence)
    if sub.kind == "level":
        return bool(_LEVEL.search(folded))
    if sub.kind == "who":
        # someone the message does not name already (« …l'évaluation d'En santé à l'école ? » is not answered by « En »)
        asked = fold(sub.message or sub.text)
        if asks_agent(sub.text) and not states_agent(sentence):
            # « qui pilotait ? » is answered by who piloted, not by any name (« la présentation de 2021 cite l'ESPE »)
            return False
        return any(fold(name) not in asked for name in _NAME.findall(sentence.lstrip("-*•> ")))
    if sub.kind == "where":
        return bool(_PLACE.search(sentence))
    asked = asked_fact.read_question(sub.text)
    return asked_fact.check(asked_fact.AskedFact(frozenset({sub.kind}), asked.counted, asked.rated), [f"\n{sentence}"],
                            lambda _w: False).missing is None
