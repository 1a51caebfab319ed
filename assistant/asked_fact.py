"""What kind of answer a question asks for, and whether the passages found hold one.

A question may be about the library's topic and still ask for something the library does not give:
an amount of money, a phone number, the date of next year's sessions, a count or a rate nobody
published, what a named author says. Coverage and cosine cannot see that: the passages share the
topic. This module reads the question for

- the KIND of answer asked (an amount of money, a phone number, e-mail or address, a date or a year,
  opening hours, a count, a duration, a percentage), and
- the SPECIFICS it names (years, acronyms, proper nouns), kept only when rare in the library, so
  that "Pays de la Loire" in a library about that region does not count but "Sarthe" does,

then checks that one of the best passages holds both: an answer of that kind (numbers written in
words count; a count must sit next to the thing counted) and every specific named. Pure functions
over text: no store, no model. Text is compared accent- and case-folded."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from assistant.lexical import STOP_WORDS
from assistant.vocabulary import CLASSES, ELIDABLE, fold

MONTHS = "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split()
# Numbers written in words ("trois règles", "quarante-cinq minutes"). "un"/"une" are left out: they
# are mostly articles.
NUMBER_WORDS = frozenset("""
deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize vingt trente quarante
cinquante soixante cent cents mille million millions milliard milliards dizaine dizaines douzaine quinzaine
vingtaine trentaine centaine centaines
""".split())
TIME_UNITS = frozenset("min mn minute minutes h heure heures jour jours journee journees semaine semaines mois an ans annee annees".split())
# Nouns after "combien de" that name a unit of the answer rather than the thing counted.
_DURATION_NOUNS = frozenset({"temps"})
_MONEY_NOUNS = frozenset({"argent", "euros", "euro"})

# --- what the question asks for (patterns over the folded question) ---------------------------------
_ASK_MONEY = re.compile(
    r"\b(combien (ca |cela )?(cou\w+|vaut|valent|gagne\w*|touche\w*|rapporte\w*)|combien (faut-il|dois-je|doit-on) payer"
    r"|cou(t|ts|te|tent|ter|tera)|prix(?= (de|d'|du|des|pour|par)\b| ?\?|$)|tarifs?|budgets?|montants?|salaires?|remunerations?|euros?|payants?|gratuite?s?)\b|€")
# Pay asks for an amount: « gratuit » answers what something costs, never what someone earns.
_ASK_PAY = re.compile(r"\b(combien (gagne\w*|touche\w*|(est|sont) payee?s?)|salaires?|remunerations?|payee?s? combien|grille indiciaire)\b")
# Contact details, by what answers them: a phone number, an e-mail, a postal address, or any of them.
_ASK_PHONE = re.compile(
    r"\b(numeros? de (telephone|tel|portable|fax)|par telephone|telephoner|quel (est le )?numero|numeros? a (appeler|composer)"
    r"|numeros? (de|du|d') (standard|secretariat|accueil))\b")
_ASK_EMAIL = re.compile(r"\b(adresses? (e-?mail|mail|electronique)|e-?mails?|courriel)\b")
_ASK_ADDRESS = re.compile(r"\b(adresses? postales?|(a quelle|quelle est l') adresse(?! (e-?mail|mail|electronique))"
                          r"|ou se trouvent? (les|le|la) (locaux|siege|bureaux?))\b")
_ASK_CONTACT = re.compile(r"\b(coordonnees|comment (le |la |les |l')?(joindre|contacter)|(je|on) (contacte|appelle|ecris a) qui"
                          r"|qui (dois-je |je dois |faut-il |il faut )?contacter|a qui (je )?(m'adresse\w*|ecri\w*|telephon\w*))\b")
# A calendar date or a year. A bare "quand" is not enough: "on fait le point quand ?" asks for a moment
# of the session; "quand a-t-elle été signée ?", "quand aura lieu…" ask for a date (an event, in a past
# or future tense).
_ASK_DATE = re.compile(
    r"\b((depuis|jusqu'a|a partir de) quand|(date|datent) de quand|de quand a quand|entre quand et quand|en quelle annee|quelles? (est la |sont les |etai(t|ent) les? )?dates?"
    r"|a quelle date|quel jour|calendrier|pour quand|(sort|sortent|parait|paraissent) quand)\b"
    r"|\bquand\b.*\b((a|ont|avait|avaient|aura|auront)(-t-(il|elle|ils|elles|on))? (ete|eu|commence|debute|lieu)"
    r"|commencera\w*|debutera\w*|sortira\w*|paraitra\w*|aura lieu|auront lieu)\b"
    r"|\bquand\b.*\b(a-t-(il|elle|on)|ont-(ils|elles)|avait-(il|elle)|aura-t-(il|elle)) \w*(e|ee|es|ees|i|is|u|us|it|ite)\b"
    r"|\b(a|ont) (ete )?\w+(?<!r)(e|ee|es|ees) quand\b"
    r"|\bquand\b.*\b(a|ont|avait) (ete )?(cree|creee|lance|lancee|signe|signee|publie|publiee|generalise|generalisee|mis|mise|fonde|fondee|inaugure|inauguree|presente|presentee|ne|nee)s?\b")
# (« a été signée quand ? » asks a date; « l'aider à dire quand elle est en colère » does not: an infinitive in -re is no
# participle.)
# A question opened by another interrogative: a "quand" further on starts a clause of time.
_OTHER_QUESTION = re.compile(r"\s*(comment|pourquoi|que |qu'|quoi|quel|quelle|qui |ou |combien|est-ce|faut-il|peut-on|dois-je|puis-je"
                             r"|y a-t-il|existe-t-il|une? (idee|activite|seance|fiche|jeu)|je (cherche|voudrais|veux|souhaite))")
_ASK_PERCENT = re.compile(r"\b(pourcentage|pour ?cent|taux|proportion|quelle part)\b|%")
# A question that opens by asking for something else (« quel événement… a maintenu un taux… », « de quels
# facteurs dépend le taux… », « pourquoi le taux… ») names a rate without asking for one.
_ASKS_OTHER_THAN_RATE = re.compile(
    r"^\W*(?:(?:de|a|en|par|pour|sur|dans|selon|avec)\s+)?(?:quel|quelle|quels|quelles)\s+"
    r"(?!(?:est|sont|etait|etaient|fut|sera|serait|a|ont)\b)(?!(?:taux|pourcentage|proportion|part|chiffre|niveau)\b)[a-z]"
    r"|^\W*(?:pourquoi|comment|qui|ou)\b")
# Shares said in words (« un quart des Chinois », « la moitié des écoles ») answer a rate like a percentage.
_FRACTIONS = re.compile(r"\b(?:la moitie|un tiers|deux tiers|un quart|trois quarts|un cinquieme|la majorite|une minorite)\b")
# The nouns a rate is about: "taux de réponse des enseignants", "quelle part des projets".
_PERCENT_OF = re.compile(r"\b(?:pourcentage|taux|proportion|part) (?:de |d'|des |du )\s*([a-z-]+)(?: (?:de |d'|des |du )\s*([a-z-]+))?")
_ASK_HOURS = re.compile(r"\b(a quelles? heures?|horaires?|heures d'ouverture)\b")
_ASK_COUNT = re.compile(r"\b(combien|nombre) (de |d')\s*([a-z-]+)")
# « il y en a combien ? », « combien y en a-t-il ? »: a count of what was just named, any number answering it.
_ASK_BARE_COUNT = re.compile(r"\b(?:il y en a|y en a|y'en a|en faut-il|en faut|il en faut) combien\b"
                             r"|\bcombien (?:il y en a|y en a|y'en a|en faut|il en faut|en existe|existe-t-il)\b|\bcombien (?:y en a|en faut)-t-il\b")
_ASK_DURATION = re.compile(r"\b(combien de temps|quelle (est la )?duree|dure combien|durent combien|ca dure)\b")
# Times relative to now: the library, written once, cannot give the date of what is still to come.
_ASK_UPCOMING = re.compile(
    r"\b(prochaine?s?|cette annee|a venir|l'an prochain|l'annee prochaine|actuel(le)?s?|en ce moment|aura lieu|auront lieu"
    r"|sortira|sortiront|commencera|commenceront|il y aura|y aura-t-il|pour quand|(sort|sortent|parait|paraissent) quand)\b")
# "Que dit X", "selon X", "d'après X", "la position de X": the name must be in the passage.
_ASK_STATEMENT = re.compile(
    r"\b(que|qu'|qu) ?(dit|disent|pense|pensent|ecrit|ecrivent|propose|recommande|affirme|explique)\b|\bselon\b|\bd'apres\b"
    r"|\b(position|avis|point de vue|theorie|travaux) (de|d')")

# --- what a passage holds (patterns over the folded passage) -----------------------------------------
_HAS_AMOUNT = re.compile(r"\d\s?(€|euros?\b|k€)")
_HAS_MONEY = re.compile(_HAS_AMOUNT.pattern + r"|\beuros?\b|€|\bgratuit\w*|\bpayant\w*")
# A help line's number and what follows it up to the end of its parenthesis: « 3018 (gratuit, anonyme) ».
_FREE_CALL = re.compile(r"\b\d{2,4}\b[^()\n]{0,60}\([^()\n]*\bgratuit[^()\n]*\)")
_HAS_PHONE = re.compile(r"\b0\s?\d(?:[\s.]?\d{2,3}){3,4}\b|\b(11[0-9]|3\d{3})\b")
_HAS_EMAIL = re.compile(r"[\w.-]+@[\w-]+\.\w+")
_HAS_ADDRESS = re.compile(r"\b\d+,?\s(bis\s)?(rue|avenue|bd|boulevard|place|allee|chemin|quai|impasse)\b|\bcs \d+|\bbp \d+")
_HAS_CONTACT = re.compile("|".join(p.pattern for p in (_HAS_PHONE, _HAS_EMAIL, _HAS_ADDRESS)) + r"|\b[\w-]+\.(fr|org|com|net|eu)\b")
_HAS_PERCENT = re.compile(r"\d\s?%|\bpour ?cent\b|\b\d+\s?(sur|/)\s?\d+\b")
_HAS_HOURS = re.compile(r"\b\d{1,2}\s?h(\s?\d\d)?\b|\bh24\b")
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_HAS_DATE = re.compile(_YEAR.pattern + r"|\b(" + "|".join(MONTHS) + r")\b|\brentree\b")
_TOKEN = re.compile(r"[a-z0-9]+")

# Specifics: acronyms (IREPS, PSFP, CE2), capitalised words (Cyrulnik, Sarthe), years.
# « CPS », « ARS », and names written in mixed case (« pHARe »)
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,}$|^[a-z]{1,2}[A-Z]{2,}[A-Za-z]*$")
_CAPITALISED = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý]?[a-zà-ÿ]+)*$")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*|[.?!:;,«»\"—–()\n]", re.UNICODE)
# Marks after which a capital letter opens a sentence rather than a name (a follow-up is joined to the
# previous question by " — ").
_OPENERS = frozenset(".?!:—–\n")
_ELIDED = re.compile(rf"^(?:{ELIDABLE})['’]", re.IGNORECASE)
# Words before a year that make it a bound ("avant 2015", "depuis 2018", "d'ici 2030"), compared elision removed.
_YEAR_BOUNDS = frozenset("avant apres depuis des vers ici".split())
_LEVELS = frozenset(fold(level) for level in CLASSES) | {"cps"}
# The asker speaking of themself: « je forme des AESH, que dit… », « pour mes ULIS, une activité… ».
_FIRST_PERSON = frozenset("je j nous mes mon ma nos notre moi".split())
_POSSESSIVES = frozenset("mes mon ma nos notre".split())
# An acronym introduced as the people a plan is for (« un atelier avec des PE de cycle 3 », « pour les AESH ») says who
# attends, not what a passage must name.
_AUDIENCE_BEFORE = re.compile(r"\b(?:avec|pour|aupres) (?:des|les|de|ces|nos|vos)$|\baux$")
# Where the asker works or whom they teach, set before an acronym (« 2 élèves d'ULIS », « une école en REP+ », « les
# classes SEGPA »): the acronym places the request; a passage need not name it.
_SETTING_NOUNS = frozenset("eleve eleves enfant enfants classe classes ecole ecoles college colleges etablissement "
                           "etablissements lycee lycees".split())
# … or where the activity takes place (« 40 min à la BCD », « au CDI », « dans la salle ULIS »).
_PLACE_BEFORE = re.compile(r"(?:^| )(?:au|(?:a|dans) (?:la|le|l)|a|dans)$")
# A short clause opening the message (« Coordonnatrice REP+ : je voudrais… », « CPE en collège, je… ») says who asks.
_OPENING_ROLE_WORDS = 3


@dataclass(frozen=True)
class AskedFact:
    """What a question asks for: kinds of answer, the nouns a count or a rate is about, the specifics it names."""

    kinds: frozenset[str] = frozenset()  # money, phone, email, address, contact, date, hours, count, duration, percent
    counted: tuple[str, ...] = ()  # folded nouns of "combien de X (par Y)"
    rated: tuple[str, ...] = ()  # folded nouns of "taux de X", "pourcentage de X"
    specifics: tuple[str, ...] = ()  # folded years, acronyms and proper nouns, in question order
    named: tuple[str, ...] = ()  # folded names whose statement is asked ("que dit Boris Cyrulnik")
    upcoming: bool = False  # a date relative to now ("prochaines sessions", "cette année")
    pay: bool = False  # what someone earns: only an amount answers it
    located: tuple[str, ...] = ()  # specifics that say which document to read ("dans le récit du collège de la Sarthe")
    # names offered as alternatives (« Good Behavior Game ou Unplugged »), each a tuple of its folded words: one is enough
    alternatives: tuple[tuple[tuple[str, ...], ...], ...] = ()


@dataclass(frozen=True)
class FactCheck:
    """The verdict over the passages: what no passage gives (None: a line answers, or nothing particular
    is asked), with what the question was read to ask."""

    missing: str | None = None  # a kind of answer, "specific:<folded word>" or "named:<name as written>"
    asked: AskedFact = field(default_factory=AskedFact)


@lru_cache(maxsize=256)  # read by retrieval's judge and by the composer: once per question
def read_question(question: str) -> AskedFact:
    """The kinds of answer and the specifics a question asks for (no corpus needed)."""
    folded = fold(question)
    kinds: set[str] = set()
    counted: list[str] = []
    rated: list[str] = []
    for kind, pattern in (("money", _ASK_MONEY), ("phone", _ASK_PHONE), ("email", _ASK_EMAIL), ("address", _ASK_ADDRESS),
                          ("contact", _ASK_CONTACT), ("percent", _ASK_PERCENT), ("duration", _ASK_DURATION), ("hours", _ASK_HOURS)):
        if pattern.search(folded):
            kinds.add(kind)
    # "Quand les élèves ont fini, on fait quoi ?" and "Comment réagir quand un élève a été exclu ?": a clause
    # of time, not a question about a date.
    dated = re.sub(r"\bquand [^,?]*,", " ", folded)
    if _OTHER_QUESTION.match(dated):
        dated = re.sub(r"\bquand\b.*", " ", dated)
    # « C'est quand les vacances cette année ? », « quand sont les prochaines sessions ? »: a « quand » about a
    # time still to come asks for a calendar date, which a library written once cannot give unless it says so.
    if _ASK_DATE.search(dated) or (re.search(r"\bquand\b", dated) and _ASK_UPCOMING.search(dated)):
        kinds.add("date")
    for match in _ASK_COUNT.finditer(folded):
        noun = match.group(3)
        if noun in _DURATION_NOUNS or noun in TIME_UNITS:
            kinds.add("duration")
        elif noun in _MONEY_NOUNS:
            kinds.add("money")
        else:
            kinds.add("count")
            counted.append(noun)
            # "combien d'élèves par groupe": the number may sit by either noun.
            per = re.match(r"\s*(?:par|chaque) ([a-z-]+)", folded[match.end():])
            if per:
                counted.append(per.group(1))
    if _ASK_BARE_COUNT.search(folded) and not kinds & {"count", "duration", "money", "percent"}:
        kinds.add("count")
    if "percent" in kinds and _ASKS_OTHER_THAN_RATE.match(folded):
        kinds.discard("percent")
    if "percent" in kinds:
        for match in _PERCENT_OF.finditer(folded):
            rated.extend(g for g in match.groups() if g)
    upcoming = "date" in kinds and bool(_ASK_UPCOMING.search(folded))
    specifics, named, alternatives = _specifics(question)
    pay = bool(_ASK_PAY.search(folded))
    if pay:
        kinds.add("money")
    located = tuple(w for w in specifics if any(re.search(rf"\b{re.escape(w)}\b", m.group(0)) for m in _IN_DOCUMENT.finditer(folded)))
    return AskedFact(frozenset(kinds), tuple(dict.fromkeys(counted)), tuple(dict.fromkeys(rated)), specifics, named, upcoming, pay,
                     located, alternatives)


# « Dans le retour d'expérience du collège de la Sarthe, combien… ? »: the clause says which document to read; its
# specifics name the document, not the line that answers.
_IN_DOCUMENT = re.compile(r"\b(?:dans|d'apres|selon) (?:le|la|l'|les|ce|cette) ?(?:retours? d'experience|recit|fiche|guide|"
                          r"rapport|document|synthese|presentation|entretien|temoignage|diaporama|seminaire|compte rendu)"
                          r"\b[^,?.;:]*")


def _specifics(question: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[tuple[str, ...], ...], ...]]:
    """Years, acronyms and capitalised words not opening a sentence; the names whose statement is asked; and the names
    offered as alternatives (« genre Good Behavior Game ou Unplugged »: two runs of specifics joined by « ou »).

    Not specifics: a year that bounds a period ("avant 2015", "depuis 2018"), which a passage answers
    with other years; a decade ("les années 2000"), kept as "2000s"; the asker's own role ("je suis CPC", « CPE en
    collège, je… »), and acronyms that say who asks ("je forme des AESH, que dit…", "pour mes ULIS") or who a plan is for ("avec des PE"), and a
    capitalised word inside a quoted saying (« il a peur d'« ouvrir la boîte de Pandore » »: a saying opens in lower case)."""
    found: list[str] = []
    # The question read token by token: a specific's word, « ou », or anything else — for the alternatives.
    sequence: list[str | None] = []
    quoted = saying = quote_opens = False
    named: list[str] = []
    # Acronyms in a clause where the asker speaks of themself, before the clause that asks (« je forme des
    # AESH, qu'est-ce que l'évaluation dit… »), say who asks, not what: a passage need not name them.
    context: list[tuple[int, str, bool]] = []  # (clause, folded acronym, set after a word of the setting)
    clause_words: dict[int, int] = {}
    clause = last = 0
    first_person_clauses: set[int] = set()
    sentence_start = True
    previous = before = ""
    asking_clauses: set[int] = set()
    for raw in _WORD.findall(question):
        kept = len(found)
        if raw == "«" or (raw == '"' and not quoted):
            quoted, quote_opens = True, True
        elif raw == "»" or raw == '"':
            quoted = saying = False
        if len(raw) == 1 and not raw.isalnum():
            sequence.append(None)
            if raw == "?":
                asking_clauses.add(clause)  # « …je peux être payé en HSE ? »: a question, not who asks
            sentence_start = raw in _OPENERS
            previous = before = ""
            clause += 1
            continue
        last = clause
        clause_words[clause] = clause_words.get(clause, 0) + 1
        if quote_opens:
            saying, quote_opens = raw[:1].islower(), False
        if fold(raw.split("'")[0].split("’")[0]) in _FIRST_PERSON:
            first_person_clauses.add(clause)
        word = _ELIDED.sub("", raw)
        first, sentence_start = sentence_start, False
        before_before, before, previous = before, previous, fold(word)
        if before in ("suis", "sommes"):
            sequence.append(None)
            continue
        if _YEAR.fullmatch(word):
            if before not in _YEAR_BOUNDS:
                found.append(word + "s" if before == "annees" and word.endswith("0") else word)
        elif _ACRONYM.match(word) and fold(word) not in _LEVELS:
            if not (before in _POSSESSIVES or _AUDIENCE_BEFORE.search(f"{before_before} {before}")):
                setting = (before in _SETTING_NOUNS or (before in ("de", "en", "du", "des") and before_before in _SETTING_NOUNS)
                           or _PLACE_BEFORE.search(f"{before_before} {before}") is not None)
                context.append((clause, fold(word), setting))
                found.append(fold(word))
        elif (not first and not saying and _CAPITALISED.match(word) and fold(word) not in _LEVELS
              and fold(word) not in STOP_WORDS):
            found.append(fold(word))
        sequence.append(found[-1] if len(found) > kept else "ou" if fold(word) == "ou" else None)
    for at, word, setting in context:
        # « CPE en collège, je voudrais former mes AED… », « Coordonnatrice REP+ : je voudrais… »: a role opening the
        # message, set before the asker's « je », is who asks (not « Les AESH, je les forme comment ? », where the
        # clause after it asks about them).
        role = fold(question).lstrip(" «\"").startswith(word) or clause_words.get(0, 0) <= _OPENING_ROLE_WORDS
        opens = at == 0 and role and 1 in first_person_clauses and 1 not in asking_clauses
        speaks = at in first_person_clauses or opens or setting
        if speaks and at not in asking_clauses and at < last and word in found:
            found.remove(word)
    for match in _ASK_STATEMENT.finditer(fold(question)):
        names = re.match(r"\s*((?:[A-ZÀ-Ý][\w'’-]+\s*){1,3})", question[match.end():])
        if names:
            named.extend(fold(_ELIDED.sub("", w)) for w in names.group(1).split())
    return tuple(dict.fromkeys(found)), tuple(dict.fromkeys(named)), _alternatives(sequence, set(found))


def _alternatives(sequence: list[str | None], kept: set[str]) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Runs of specifics joined by a lone « ou » (« Good Behavior Game ou Unplugged »), from the question read token by
    token (a specific's folded word, « ou », or None for anything else)."""
    runs: list[tuple[str, ...]] = []
    joined: list[bool] = []  # joined[i]: a lone « ou » stands between runs i and i + 1
    current: list[str] = []
    between: list[str | None] = []
    for token in sequence + [None]:
        if token is not None and token != "ou" and token in kept:
            if not current and runs:
                joined.append(between == ["ou"])
            current.append(token)
            continue
        if current:
            runs.append(tuple(current))
            current, between = [], []
        between.append(token)
    groups: list[tuple[tuple[str, ...], ...]] = []
    group = runs[:1]
    for run, linked in zip(runs[1:], joined):
        if not linked:
            groups.extend([tuple(group)] if len(group) > 1 else [])
            group = []
        group.append(run)
    groups.extend([tuple(group)] if len(group) > 1 else [])
    return tuple(groups)


def _tokens(folded: str) -> list[str]:
    return _TOKEN.findall(_FRACTIONS.sub(" pourcent ", folded.replace("%", " pourcent ").replace("pour cent", "pourcent")))


def _is_number(token: str) -> bool:
    return token.isdigit() or token in NUMBER_WORDS


def _stem(noun: str) -> str:
    noun = noun.rstrip("sx") if len(noun) > 3 else noun
    return noun[:6]


def _has_count(line: str, tokens: list[str], nouns: Iterable[str]) -> bool:
    """A number just before a counted noun ("91 écoles", "quatre à six passages"), or given for it in a
    table row or after a colon ("Écoles | 91", "écoles participantes : 91")."""
    if not nouns:
        return any(_is_number(t) for t in tokens)
    stems = [_stem(n) for n in nouns]
    for i, token in enumerate(tokens):
        if not any(token.startswith(s) for s in stems):
            continue
        if any(_is_number(t) for t in tokens[max(0, i - 2):i]):
            return True
    for stem in stems:
        for match in re.finditer(r"\b" + re.escape(stem) + r"[a-z]*(?:\s+[a-z-]+){0,2}\s*[:|]\s*[*_]*(?:environ\s+|plus de\s+|pres de\s+)?[*_]*"
                                 r"(?:\d+|(?:" + "|".join(NUMBER_WORDS) + r")\b)", line):
            # « enseignant : 8 à 10 heures de séances » gives a duration, not a count of teachers
            if not _UNIT_AFTER.match(line, match.end()):
                return True
    return False


# A number followed by a unit of time (« 8 à 10 heures », « 45 min »): what it counts is not the noun before it.
_NUMBER = r"(?:\d+(?:[.,]\d+)?|" + "|".join(NUMBER_WORDS) + r")"
_UNIT_AFTER = re.compile(r"(?:[.,]\d+)?(?:\s*(?:a|-)\s*[*_]*" + _NUMBER + r")?[*_\s]*(?:"
                         + "|".join(sorted(TIME_UNITS, key=len, reverse=True)) + r")(?:\d{2})?\b")


# A number before a noun that is not a unit of time (« seize élèves », « 12 classes »).
_COUNTS_SOMETHING = re.compile(r"(?<![\d,.])" + _NUMBER + r"\s+(?!" + "|".join(sorted(TIME_UNITS, key=len, reverse=True))
                               + r"\b)[a-z]{3,}")


def _has_rate(tokens: list[str], nouns: Iterable[str], window: int = 4) -> bool:
    """A percentage near what it is a rate of ("86 % des enfants"); any percentage when no noun is named."""
    at = [i for i, t in enumerate(tokens) if t == "pourcent"]
    stems = [_stem(n) for n in nouns]
    if not stems:
        return bool(at)
    return any(abs(i - j) <= window for j in at for i, t in enumerate(tokens) if any(t.startswith(s) for s in stems))


def _has_duration(tokens: list[str]) -> bool:
    return any(t in TIME_UNITS and any(_is_number(x) for x in tokens[max(0, i - 2):i]) for i, t in enumerate(tokens))


def _has_date(text: str, upcoming: bool, today: date) -> bool:
    if not upcoming:
        return bool(_HAS_DATE.search(text))
    # What is to come can only be dated by a passage giving this year or one of the next few
    # (a horizon like "génération 2037" is no calendar).
    return any(today.year <= int(y) <= today.year + 3 for y in _YEAR.findall(text))


_CONTACT_EVIDENCE = {"phone": _HAS_PHONE, "email": _HAS_EMAIL, "address": _HAS_ADDRESS, "contact": _HAS_CONTACT}


def _gives(kind: str, asked: AskedFact, line: str, tokens: list[str], today: date) -> bool:
    if kind == "money":
        # « 119 – Allô Enfance en danger (gratuit, 24 h/24) », in every sheet's vigilance note, prices a phone call,
        # not what was asked.
        return bool((_HAS_AMOUNT if asked.pay else _HAS_MONEY).search(_FREE_CALL.sub(" ", line)))
    if kind in _CONTACT_EVIDENCE:
        return bool(_CONTACT_EVIDENCE[kind].search(line))
    if kind == "date":
        return _has_date(line, asked.upcoming, today)
    if kind == "hours":
        return bool(_HAS_HOURS.search(line))
    if kind == "percent":
        return bool(_HAS_PERCENT.search(line) or _FRACTIONS.search(line)) and _has_rate(tokens, asked.rated)
    if kind == "duration":
        return _has_duration(tokens)
    if kind == "count":
        return _has_count(line, tokens, asked.counted)
    return True


def _contains(line: str, tokens: set[str], word: str) -> bool:
    if word.endswith("0s") and word[:-1].isdigit():  # a decade: any of its years
        return any(str(int(word[:-1]) + n) in tokens for n in range(10))
    if "-" in word or "'" in word:
        return re.search(r"(?<![a-z0-9])" + re.escape(word) + r"(?![a-z0-9])", line) is not None
    return word in tokens or (len(word) >= 5 and any(_near(word, t) for t in tokens))


def _near(word: str, token: str) -> bool:
    """The same name give or take a plural or one letter (« Carrefours » / « Carrefour », « Edras » / « Esdras »);
    not digits: years must match."""
    if token.isdigit() or abs(len(token) - len(word)) > 1 or token[:1] != word[:1]:
        return False
    from rapidfuzz.distance import OSA

    return OSA.distance(word, token, score_cutoff=1) <= 1


_TABLE_RULE = re.compile(r":?-{2,}:?")


def table_cells(row: str) -> list[str]:
    """The cells of a Markdown table row (« | Écoles | 91 | » → [« Écoles », « 91 »])."""
    return [c.strip() for c in row.strip().strip("|").split("|")]


def _rows_with_headers(lines: list[str]) -> list[str]:
    """Markdown table rows, each followed by its reading with the column headers (« periode 2 | 19 | 5 » under
    « periode | conflits | passages » also gives « periode : periode 2 ; conflits : 19 ; passages : 5 »): the
    number a question asks for may sit in a row, the thing it counts in the header."""
    out: list[str] = []
    columns: list[str] | None = None
    for line in lines:
        if not line.strip().startswith("|"):
            columns = None
            out.append(line)
            continue
        cells = table_cells(line)
        if columns is None:
            columns = cells
            out.append(line)
        elif not all(_TABLE_RULE.fullmatch(c) for c in cells if c):
            out.append(line)  # « | écoles | 91 | » answers on its own
            if len(cells) == len(columns):
                out.append(" ; ".join(f"{h} : {c}" for h, c in zip(columns, cells)))
    return out


def check(asked: AskedFact, passages: list[str], is_rare: Callable[[str], bool],
          today: date | None = None) -> FactCheck:
    """Does one line of a passage (read with the passage's title and section, its first line) give an
    answer of every kind asked and name every rare specific?

    Lines, not whole passages: a long passage may name the place in one paragraph and give a figure
    about something else in another. `is_rare(folded_word)` says whether a word is specific enough in
    this library to be required (a word the library never uses is rare), be it a specific or the name
    of someone whose words are asked."""
    today = today or date.today()
    # A name the library uses everywhere ("Santé publique France" here) is its topic, not a specific.
    required = tuple(w for w in dict.fromkeys(asked.specifics + asked.named) if is_rare(w))
    if not passages or not (asked.kinds or required):
        return FactCheck(None, asked)
    # « genre Good Behavior Game ou Unplugged »: passages naming one of the names offered as alternatives are enough.
    if asked.alternatives:
        read = [(folded, set(_tokens(folded))) for folded in map(fold, passages)]
        for group in asked.alternatives:
            if any(all(any(_contains(text, tokens, w) for text, tokens in read) for w in run) for run in group):
                offered = {w for run in group for w in run}
                required = tuple(w for w in required if w not in offered)
    # A specific naming the document to read must be in the passages, not in the line that answers.
    located = {w for w in required if w in asked.located}
    for word in located:
        if not any(_contains(fold(p), set(_tokens(fold(p))), word) for p in passages):
            return FactCheck(f"specific:{word}", asked)
    required = tuple(w for w in required if w not in located)
    if not (asked.kinds or required):
        return FactCheck(None, asked)
    kinds = sorted(asked.kinds)
    never_given, never_named = set(kinds), set(required)
    for passage in passages:
        header, _, body = fold(passage).partition("\n")
        header_tokens = set(_tokens(header))
        # « Seize élèves volontaires ont été retenus » under « La formation des élèves médiateurs » counts the
        # mediators: a count whose noun names the section is read with the section's words.
        counted_in_section = False
        if "count" in kinds and asked.counted:
            section = _tokens(header.split(" — ", 1)[1] if " — " in header else "")
            counted_in_section = not any(map(_is_number, section)) and any(t.startswith(_stem(n)) for n in asked.counted for t in section)
        for line in [ln for ln in _rows_with_headers(body.split("\n")) if ln.strip()] or [header]:
            tokens = _tokens(line)
            present = header_tokens | set(tokens)
            absent = {w for w in required if not (_contains(line, present, w) or _contains(header, present, w))}
            lacking = {k for k in kinds if not _gives(k, asked, line, tokens, today)}
            if "count" in lacking and counted_in_section and _COUNTS_SOMETHING.search(line):
                lacking.discard("count")
            if not absent and not lacking:
                return FactCheck(None, asked)
            never_given &= lacking
            never_named &= absent
    # What no line gives at all; else (each is somewhere, never together) the answer asked.
    missing = next((k for k in kinds if k in never_given), None) or next((f"specific:{w}" for w in required if w in never_named), None)
    return FactCheck(missing or (kinds[0] if kinds else f"specific:{required[0]}"), asked)


# « une fiche 'la roue des émotions' ? », « le jeu « Dragon, souris » » : a thing asked for by its name in quotes.
_QUOTED_NAME = re.compile(
    r"\b(?:fiches?|activites?|seances?|jeux?|ateliers?|outils?|programmes?|guides?|documents?|kits?|livrets?|"
    r"methodes?|sequences?|supports?|albums?|rituels?)\s+(?:(?:intitulee?s?|appelee?s?|nommee?s?|de|du|des|sur(?: le| la)?)\s+)?"
    r"['\"«“‘]\s*([^'\"«»“”‘’?!]{3,80}?)\s*['\"»”’]")
_ARTICLES = frozenset({"le", "la", "les", "l", "un", "une", "des", "du", "de", "d"})


def quoted_names(question: str) -> tuple[str, ...]:
    """The names a question asks for in quotes after the kind of thing they name (« une fiche 'la roue des
    émotions' »), as written. A quoted saying (« ils se disent 'je suis nul' ») names nothing."""
    original = unicodedata.normalize("NFC", question).replace("’", "'")
    folded = fold(original)
    shown = original if len(folded) == len(original) else folded  # spans are the folded text's
    return tuple(shown[m.start(1):m.end(1)].strip() for m in _QUOTED_NAME.finditer(folded) if len(_name_tokens(m.group(1))) >= 2)


def _name_tokens(text: str) -> list[str]:
    """A name's words, folded, plurals read as singular, without its leading article."""
    words = [w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in re.findall(r"[a-z0-9]+", fold(text))]
    while words and words[0] in _ARTICLES:
        words = words[1:]
    return words


# « le programme pHARe, il marche comment ? », « en quoi consiste Unplugged ? », « vous avez les séances du programme
# Unplugged ? »: how a named thing works, what it is made of, its materials.
_ASKS_WORKINGS = re.compile(r"\b(?:comment (?:ca |il |elle |ils |elles )?(?:marche|fonctionne|se deroule|se passe)(?:nt)?"
                            r"|(?:marche|fonctionne)(?:nt)? comment|en quoi (?:ca |il |elle )?consiste|(?:les|quelles) etapes"
                            r"|le deroulement|le fonctionnement|comment (?:le |la |les )?mettre en place"
                            r"|(?:les|des|vos|ses) (?:seances|fiches|activites|outils|supports|modules|contenus) (?:du|de|d')"
                            # its rules, how to join it or roll it out (« pHARe est-il obligatoire, et comment on inscrit son
                            # école ? », « comment on le déploie dans un collège ? »)
                            r"|obligatoires?|inscri(?:re|t|s|vent|ption)|s'y inscrire|adherer|adhesion|comment (?:y )?participer"
                            r"|deploi\w*|deploy\w*)")


# How many passages may name a thing in passing before the library is taken to say more about it than its name.
IN_PASSING_AT_MOST = 3


def mentioned_in_passing(question: str, folded_texts: list[str], is_rare: Callable[[str], bool]) -> str | None:
    """The name a question asks the workings of (« pHARe, il marche comment ? ») when the library's `folded_texts` (its
    passages folded, each read with its title and section on its first line) only name it in passing: once in each of at most
    IN_PASSING_AT_MOST passages, never in a title or a section's name. Those mentions describe nothing, and the answer
    must say so rather than pass their neighbours off as the description. None otherwise."""
    if not _ASKS_WORKINGS.search(fold(question)):
        return None
    for name in (w for w in read_question(question).specifics if is_rare(w) and not w.isdigit()):
        word = re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])")
        naming = [(len(word.findall(body)), bool(word.search(header))) for header, _, body
                  in (folded.partition("\n") for folded in folded_texts if name in folded)]
        naming = [(n, in_header) for n, in_header in naming if n or in_header]
        if 0 < len(naming) <= IN_PASSING_AT_MOST and all(n == 1 and not in_header for n, in_header in naming):
            return next((m.group(0) for m in re.finditer(r"[^\W_]+", question) if fold(m.group(0)) == name), name)
    return None


def name_words(texts: Iterable[str]) -> str:
    """The words of `texts` as `named_in` reads them: each text's name tokens, one text per line (read once per
    library: `Snapshot.name_words`)."""
    return "\n".join(" " + " ".join(_name_tokens(t)) + " " for t in texts)


def named_in(name: str, words: str) -> bool:
    """Whether one text of `words` (`name_words`) holds the name's words in a row (punctuation aside: « feu rouge
    tortue » is in « Feu rouge, tortue ! »)."""
    return " " + " ".join(_name_tokens(name)) + " " in words


def names_in_library(name: str, texts: Iterable[str]) -> bool:
    """Whether one of `texts` holds the name's words in a row."""
    return named_in(name, name_words(texts))


# « tous les combien ? », « à quel rythme ? »: how often, which « toutes les deux à trois semaines » answers; « 6 à 10
# séances par an » says how much in a period, an answer only when no passage gives the interval.
_ASKS_FREQUENCY = re.compile(r"\b(?:a quelle frequence|quelle frequence|tous les combien|a quel rythme|quel rythme"
                             r"|combien de fois par)\b")
_STATES_INTERVAL = re.compile(
    r"(?<!\bde )\b(?:tous les (?:\w+ ){0,3}(?:jours|mois|ans|trimestres|lundis|mardis|mercredis|jeudis|vendredis|matins|soirs)"
    r"|toutes les (?:\w+ ){0,3}(?:semaines|periodes)"
    r"|chaque (?:semaine|mois|jour|annee|periode|trimestre|lundi|mardi|mercredi|jeudi|vendredi|matin|soir)"
    r"|\w+ fois par|hebdomadaires?|mensuel(?:le)?s?)\b")
_STATES_PER_PERIOD = re.compile(r"\bpar (?:semaine|mois|an|periode|trimestre)\b")


def asks_frequency(question: str) -> bool:
    """The question asks how often (« tous les combien programmer les séances ? »)."""
    return bool(_ASKS_FREQUENCY.search(fold(question)))


def states_frequency(text: str, interval: bool = False) -> bool:
    """The text says how often (« une séance toutes les deux à trois semaines », « deux fois par semaine »; « la vie de
    tous les jours » does not); with `interval` false, an amount per period (« 6 à 10 séances par an ») counts too."""
    folded = fold(text)
    return bool(_STATES_INTERVAL.search(folded) or (not interval and _STATES_PER_PERIOD.search(folded)))


# « pour quel âge ? », « ça concerne quels âges ? », « quelle tranche d'âge ? »; not « une séance adaptée à leur âge »,
# which asks for a session, nor « à quel âge le cortex est mature ? » (any age answers that one, not a public's).
_ASKS_AGE = re.compile(r"\b(?:(?:pour|de|a partir de|jusqu'a|concerne|vise|visent|concernent) (?:quel|quels) ages?"
                       r"|quels ages|tranches? d'ages?)\b")
# « enfants de 7 à 12 ans », « de 3 à 25 ans », « 8-11 ans », « à partir de 6 ans ».
_STATES_AGE = re.compile(r"\b\d{1,2}\s*(?:a|-|et)\s*\d{1,2}\s*ans\b|\b(?:de|des|a partir de|jusqu'a|moins de|plus de) \d{1,2} ans\b")


def asks_age(question: str) -> bool:
    """The question asks the ages a programme or a resource is for (« c'est prévu pour des enfants de quel âge ? »)."""
    return bool(_ASKS_AGE.search(fold(question)))


def states_age(text: str) -> bool:
    """The text gives an age range (« destiné aux enfants de 7 à 12 ans »)."""
    return bool(_STATES_AGE.search(fold(text)))


# What is held again and again, just before the interval (« une séance d'environ une heure toutes les trois semaines »).
_HELD_AT_INTERVAL = re.compile(r"\b(?:seances?|ateliers?|rituels?|interventions?|rencontres?|reunions?)\b(?:\W+\w+){0,4}?\W+(?:"
                               + _STATES_INTERVAL.pattern + ")")


def says_how_often_held(text: str) -> bool:
    """The text says how often a session, workshop, ritual or meeting is held (« une séance toutes les deux à trois
    semaines »), not merely how often something else is done (« réutiliser chaque jour les règles des séances »)."""
    return bool(_HELD_AT_INTERVAL.search(fold(text)))


def check_message(question: str, parts: list[str], passages: list[str], is_rare: Callable[[str], bool],
                  today: date | None = None) -> FactCheck:
    """`check` for a message whose questions are `parts` (assistant/sub_questions.py). « combien d'élèves médiateurs,
    et en combien de temps ? » asks a count and a duration, which two lines give: when no line gives every kind
    asked, each question asking a kind is checked on its own, with the names the whole message gives (« le
    programme Unplugged, combien de séances et à quel âge ? » still needs « Unplugged »)."""
    whole = check(read_question(question), passages, is_rare, today)
    if whole.missing is None or len(parts) < 2:
        return whole
    asking = [dataclasses.replace(asked, specifics=whole.asked.specifics, named=whole.asked.named, located=whole.asked.located)
              for asked in map(read_question, parts) if asked.kinds]
    if asking and all(check(asked, passages, is_rare, today).missing is None for asked in asking):
        return FactCheck(None, whole.asked)
    return whole


# One French sentence per missing kind, for the decline message.
MISSING_TEXT = {
    "money": "Les documents ne donnent pas de montant en euros.",
    "phone": "Les documents ne donnent pas ce numéro de téléphone.",
    "email": "Les documents ne donnent pas cette adresse électronique.",
    "address": "Les documents ne donnent pas cette adresse.",
    "contact": "Les documents ne donnent pas ces coordonnées.",
    "hours": "Les documents ne donnent pas ces horaires.",
    "date": "Les documents ne donnent pas cette date.",
    "count": "Les documents ne donnent pas ce nombre.",
    "duration": "Les documents ne donnent pas cette durée.",
    "percent": "Les documents ne donnent pas ce pourcentage.",
}


def missing_sentence(missing: str | None, question: str = "") -> str:
    """What the documents do not give, in one French sentence ("" when nothing is missing)."""
    if not missing:
        return ""
    if missing.startswith("named:"):
        return f"Les documents ne contiennent pas « {missing.split(':', 1)[1]} »."
    if missing.startswith("specific:"):
        word = missing.split(":", 1)[1]
        shown = next((w for w in _WORD.findall(question) if fold(_ELIDED.sub("", w)) == word), word)
        return f"Les passages trouvés ne parlent pas de « {_ELIDED.sub('', shown)} »."
    return MISSING_TEXT.get(missing, "")
