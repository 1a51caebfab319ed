"""Chat requests that ask for a plan rather than an answer: « prépare-moi 6 séances sur les émotions
pour mes CE2 » → a progression, « comment je présente le programme à des collègues en conseil des maîtres
en 20 minutes ? » → a workshop. Questions (« comment animer une séance sur les émotions en CE1 ? »,
« combien de séances compte la progression proposée ? ») are left to the answerer.

The reading rests on the shape of a plan request rather than on its first word: a class plus several
sessions (a count, weeks, a period) is a progression; an audience of adults (colleagues, parents, a
conseil des maîtres…) plus a duration is a workshop. A message that asks what the documents say
(« que dit… », « combien… », « … a-t-elle … ? ») is always a question. Measured on
eval/dev_plan_intent.yaml with `python -m eval.plan_intent`."""

from __future__ import annotations

import re
import unicodedata
import dataclasses
from dataclasses import dataclass, field

from assistant.planning import DEFAULT_SESSION_MINUTES
from assistant.planning.progression import MONTHS
from assistant.vocabulary import CLASSES, COMPETENCES, fold, levels_in_text

DEFAULT_SESSIONS = 6
# A year's progression asked with no count (« une progression annuelle… période par période »): the guide's own annual
# example, « une séance d'environ une heure toutes les trois semaines », ten sessions over five periods.
ANNUAL_SESSIONS = 10
DEFAULT_WORKSHOP_MINUTES = 120
DEFAULT_THEME = "animer une séance CPS"

_NUMBERS = {"une": 1, "un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
            "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30,
            "quarante": 40, "cinquante": 50, "soixante": 60}
_NUM = r"\b(\d+|" + "|".join(_NUMBERS) + r")"

# Asking what the documents say or report: never a plan, whatever else the message holds.
_ASKS_DOCUMENTS = re.compile(
    r"^(?:pourquoi|combien|qu'est|qui |a quoi|ou |quand |est-ce qu|qu'a |qu'ont |qu'en |c'?\s?est quoi |"
    r"que (?:dit|disent|retenir|contient|contiennent|pense|pensent|montre|montrent|recommande|recommandent|"
    r"propose|proposent|prevoit|prevoient|signifie|veut dire|faut-il))")
# « … a-t-elle organisé … ? », « … sont-elles adaptées … ? »: a question about something that exists.
_INVERSION = re.compile(r"\b\w+-(?:t-)?(?:il|elle|on|ils|elles)\b|\b(?:ont|sont|font|peuvent|doivent|existent|"
                        r"durent|disent|proposent|fonctionnent|etaient|avaient|est|a)-(?:ils|elles|il|elle)\b")
# « la progression proposée », « que recommande le guide », « un exemple de progression annuelle »: what a document
# already holds.
_DOCUMENT_SAYS = re.compile(
    r"\bexemples? (?:de |d')(?:progression|sequence|programmation|plan|deroule)s?\b|"
    r"\b(?:progression|sequence|plan)s? (?:proposee|prevue|decrite|presentee|type|officielle|du guide|du cartable|"
    r"du programme|de la fiche)s?\b|\b(?:propose|proposent|recommande|recommandent|prevoit|prevoient|decrit|decrivent|"
    r"conseille|conseillent|suggere|suggerent) (?:le|la|les|l') ?(?:guide|cartable|fiche|document|programme|rapport|"
    r"evaluation|formatrice|formateur|enseignante?)s?\b")
# « quelles sont les dates… », « quel est le tarif… »: what something that exists is, unless the plan is what is
# asked (« quel déroulé pour… »).
_WHAT_IS = re.compile(r"^(?:quel|quelle|quels|quelles) (?:est|sont|etait|etaient|a ete|ont ete|seront|sera)\b")
# « comment ils ont intitulé leur axe ? », « quel temps ils se sont donné ? »: what others did, told in a write-up.
_ASKS_WHAT_WAS_DONE = re.compile(r"^(?:comment|quand|ou|combien|pourquoi|quel\w*|qu'|que|qui)\b.*"
                                 r"\b(?:ils|elles|il|elle) (?:ont|a|avaient|avait|se sont|s'est|etaient|etait)\b")
_ABOUT_A_REPORT = re.compile(r"\b(?:du|le|au|dans le|d'apres le|selon le|dans la|la|de la|d'apres la|selon la|l'|dans l'|de l')"
                            r" ?(?:retours? d'experience|recit|temoignage|synthese|rapport)\b")
# « quels conseils donner pour animer le temps d'échange à la fin d'une séance ? » after a training's context: advice
# on a practice is what the documents say about it; only advice on the workshop itself (« quels conseils pour ma
# formation ? ») asks for a plan.
_ASKS_ADVICE = re.compile(r"^(?:quels?|quelles?) (?:sont (?:les )?)?(?:conseils|recommandations|reperes|points de vigilance|"
                          r"pieges|erreurs|astuces|principes|bonnes pratiques|precautions)\b")
_ABOUT_THE_WORKSHOP = re.compile(r"\b(?:formations?|ateliers?|reunions?|presentations?|interventions?|modules?|"
                                 r"conferences?|animations? pedagogiques?|matinee|journee|demi-journee|deroule|trame|plan)\b")
_ASKED_LAST = re.compile(r"\b(?:coute|coutent|c'est|c est|ca|a lieu|ont lieu|commence|commencent|sort|sortent|se passe|"
                         r"existe|existent)\s+(?:combien|quand|ou|qui)\b|\b(?:combien|quand)\s*\?*\s*$")
_ASKS_ORDER = re.compile(r"\b(?:dans|en) quel ordre\b|\bquel ordre\b|\bpar (?:quoi|quelle competence) commencer\b")
# Phrases that start with a question word: they need the full shape of a plan to be one.
_QUESTION_START = re.compile(r"^(?:comment|quel|quelle|quels|quelles|que |qu'|quoi|est-ce|y a-t-il)")
_REQUEST = re.compile(
    r"\b(?:prepare|preparer|prepares|construis|construire|planifie|planifier|propose|proposer|proposes|organise|"
    r"organiser|elabore|elaborer|fais|faire|donne|conçois|concois|concevoir|il me faut|il me faudrait|"
    r"j'ai besoin|besoin d'|je veux|je voudrais|j'aimerais|peux-tu|pourrais-tu|pouvez-vous|tu peux|"
    r"aide-moi|aide moi|tu m'aides|j'anime|j'animerai|je vais animer|je dois|je forme|je presente|"
    r"j'interviens|j'organise|svp|stp|s'il te plait|s'il vous plait)\b")

# -- progressions: a class and several sessions ------------------------------------------------
_SESSIONS = re.compile(_NUM + r"\s+(?:seances?|ateliers?|sequences?|temps|rendez-vous|creneaux)\b")
# « sur 8 semaines », « sur une période de 7 semaines », « une séquence de 5 semaines »: a session a week
_WEEKS = re.compile(r"\b(?:(?:sur|pendant|durant|en)\s+(?:une? (?:periode|sequence|cycle|module) de\s+)?"
                    r"|(?:periode|sequence|module) de\s+)" + _NUM[2:] + r"\s+semaines\b")
# Spreading sessions or competences (« comment répartir 8 séances », « répartir les compétences sur l'année »), not
# « des astuces pour répartir la parole » in a talking circle.
_SPREAD = (r"repartir (?:(?:les|mes|nos|ces|des|ses|\d+|[a-z]+) )?(?:seances|competences|cps|activites|themes|fiches|"
           r"ateliers|objectifs|sur|entre|dans)")
# Words that name a plan of several sessions…
_PLAN_NOUN = re.compile(
    r"\b(?:progressions?|prog|sequences?|planning|calendrier|enchainement|suite de seances|cycle de seances|"
    r"plan de seances|programme de seances|programme sur (?:\d|l'annee|un|une|la)|plan (?:sur|pour) (?:la|le|toute|"
    r"l'annee|ma|mes)|" + _SPREAD + r")\b")
# … one already running (« pendant la séquence ») names none.
_RUNNING_PLAN = re.compile(r"\b(?:pendant|durant|dans|lors de|au cours de|de) (?:la|ma|cette|notre) "
                           r"(?:sequence|progression)\b")
# … and spans that hold several sessions.
_SPAN = re.compile(
    r"\b(?:trimestres?|periode \d|\d periodes|deux periodes|trois periodes|periode de travail|pour la periode|"
    r"toute l'annee|sur l'annee|l'annee scolaire|annuelle?|"
    r"jusqu'(?:a|aux|en) (?:la |les )?(?:vacances|toussaint|noel|fevrier|paques|ete)|une par (?:semaine|quinzaine)|"
    r"chaque (?:lundi|mardi|mercredi|jeudi|vendredi|semaine)|de la rentree a|tous les quinze jours)\b")
_SEVERAL = re.compile(r"\b(?:seances|ateliers|activites)\b")
# One session of a plan the teacher already has (« des idées pour la dernière séance ? »), or their own
# plan to judge: the answerer handles those.
_ONE_OF_THEIRS = re.compile(
    r"\b(?:la|une|ma) (?:premiere|1re|deuxieme|2e|seconde|troisieme|3e|derniere|prochaine) seance\b|"
    r"\bconstruire la (?:premiere|deuxieme|seconde|troisieme|derniere)\b|ca tient la route|"
    r"qu'en pense[sz]|vous en pensez|tu en penses|\bvoici (?:ma|mon|notre)\b|\brelire\b|"
    r"\b(?:verifier|corriger|valider|ameliorer) (?:ma|mon|mes|notre|nos)\b|"
    # « …je commence par un apport théorique ou pas ? »: a choice in their own plan, which advice answers
    r"\bou (?:pas|non)\s*\?*\s*$|\bbonne idee\b")
# Asking whether the library holds something: the answerer shows what it has.
_ASKS_LIBRARY = re.compile(r"\b(?:vous avez|avez-vous|as-tu|toute? prete?s?|deja faite?s?|savoir si|"
                           r"existe-t-il|y a-t-il)\b|(?:^|[.?!]\s*)(?:y a|il y a|existe)\b")
_PLANS = re.compile(r"\b(?:planifi\w*|programmer|construi\w*|organis\w*|repartir|etablir|prevoir|propose[rsz]?|"
                    r"mettre en place)\b")
# What a trainer or teacher asks once the context is given: the plan itself.
_PLAN_ASK = re.compile(
    r"\b(?:deroule|trame|plan|programme|progression|sequence|organiser|organise|structurer|preparer|prepares|"
    r"construire|prevoir|proposer|propose|contenus?|m'y prendre|m'y prends|commencer|articuler|repartir|"
    r"presenter|presente|animer)\b")
_THEME_NAMED = re.compile(r"\b(?:competences?|themes?|sur le theme|autour du theme)\s*:\s*")
_THEME_START = (r"sur|autour d[eu']s?|autour de la|pour travailler|travailler|pour developper|developper|"
                r"pour apprendre a|apprendre a|aux [a-z0-9]+ a|pour mieux|afin de mieux|afin de")
_THEME_STOP = (r"pour|en|avec|de \d+|d'une|d'un|entre|chez|dans|pendant|durant|sur|afin|a mes|a des|a ma|"
               r"de (?:" + "|".join(MONTHS) + r")|c'est|tu|svp|stp")
_SUBJECT_AFTER = r"(?:progressions?|prog|sequences?|seances?|ateliers?) (?:en|de|d')"
_LEVEL_AFTER = re.compile(r"\s+(?=(?:cycle ?[1-4]|" + "|".join(CLASSES) + r"|[3-6]ème)\b)", re.IGNORECASE)
# What may follow « séances de… » without naming a subject: a duration, a class, the programme's own words.
_NOT_A_SUBJECT = re.compile(r"^(?:\d|cps|competences?|classe|cycle|cours|groupe|travail|suite|plus|moins|quoi|"
                            r"(?:la |ma |cette )?(?:matinee|journee|semaine|annee|rentree|periode)|min|heures?|h\b)")
# (« sur l'ensemble d'un cycle 3 », « sur la totalité de l'année » say over how long, not about what)
_NOT_A_THEME = re.compile(r"^(?:\d|(?:" + "|".join(MONTHS) + r")\b|deux|trois|quatre|cinq|six|un |une |toute|tout\b|tous\b|"
                          r"ensemble\b|totalite\b|l'annee|annee|"
                          r"(?:le |un |ce )?trimestre|"
                          r"la periode|sequences?\b|progressions?\b|seances?\b|"
                          r"(?:les? )?(?:seances?|cps)$|(?:les? )?competences?(?: psychosociales| cps)?$|periodes?|semaines?|mois|ma classe|mes )")

# -- workshops: adults, a format for adults, a duration -----------------------------------------
# Who a workshop is for: adults, and pupils trained as délégués.
_ADULTS = (r"neo-?titulaires?|stagiaires?|enseignant(?:e|s|es)?|professeur(?:e|s|es)?|profs|collegues?|equipes?|"
           r"formateurs?|formatrices?|infirmie\w*|professionnels?|animateurs?|animatrices?|atsem|aesh|parents?|"
           r"familles|directeurs?|directrices?|cpe|assistants? d'education|conseill\w+ pedagogiques?|cpc|"
           r"elus?|inspect(?:eur|rice)s?|etudiants?|personnels?|intervenants?|partenaires|pe|m2|adultes|benevoles|"
           r"educateurs?|educatrices?|aed|surveillants?|delegues?|agents?")
_AUDIENCE = re.compile(r"\b(?:" + _ADULTS + r")\b")
# Settings and formats that only exist for adults (an « atelier » may be for a class).
_ADULT_FORMAT = re.compile(
    r"\b(?:formations?|former|sensibiliser|sensibilisation|animation pedagogique|anim peda|conseil des maitres|"
    r"conseil d'ecole|conseil de cycle|conseil pedagogique|reunion|conference|journee pedagogique|"
    r"analyse de pratiques?|module de formation|seminaire|webinaire|visio)\b")
_WORKSHOP_FORM = re.compile(
    r"\b(?:atelier|formation|former|presentation|presenter|presente|intervention|intervenir|sensibilis\w+|"
    r"animation|anim|reunion|conference|module|session|expliquer|explique|faire decouvrir|convaincre|"
    r"animer|organiser|structurer|deroule|trame|plan|programme|echange|journee)\b")
# A speaker naming themself (« je suis CPC », « mon collègue et moi »), the adult running a session with them (« avec
# l'ATSEM »), or the one teacher whose class a plan is for, is not the audience.
_SELF = re.compile(r"\b(?:je suis|en tant que)\s+(?:(?!et\b|je\b|j')[\w'-]+\s*){1,4}|"
                   # « atelier de 6 avec l'atsem »: the adult who runs the session with the speaker
                   r"\bavec (?:l'|mon |ma |notre )(?:atsem|aesh|avs|infirmi\w+|animat\w+|collegue)\b|"
                   r"\b(?:mon|ma)\s+\w+(?:\s+et\s+moi)?|\bcomme\s+(?:une?\s+)?|"
                   # « une enseignante de CE1 me demande de l'aider à construire une progression »
                   r"\b(?:une?|cette)\s+(?:jeune\s+)?(?:enseignante?|collegue|prof|professeure?|pe)\s+(?:de|du|en)\s+"
                   r"(?:cp|ce\d|cm\d|ps|ms|gs|\d+e|maternelle|cycle \d)\b")
_AUDIENCE_TAIL = re.compile(
    r"(?:\s+(?:scolaires?|pedagogiques?|principaux|debutants?|periscolaires?|titulaires|stagiaires|relais(?: cps)?|"
    r"experimentes?|volontaires|d'eleves|d'ecole|d'education|du second degre|du premier degre|"
    r"(?:de|du|des)\s+(?:cycle \d|college|lycee|maternelle|cantine|l'ecole|l'inspe|la commune|la circo\w*|"
    r"circo\w*|\d+e|cp|ce\d|cm\d|ps|ms|gs|rpi|secteur|reseau|premier degre|second degre)))*")


@dataclass
class ProgressionRequest:
    level: str
    competences: list[str] = field(default_factory=list)
    sessions: int = DEFAULT_SESSIONS
    minutes: int = DEFAULT_SESSION_MINUTES
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


# Times and days that are no duration: « à 7h », « une minute de silence », « toute la journée »; nor how long pupils
# hold still or attend (« ils arrivent pas à se concentrer 5 min », « au bout de 10 minutes ils décrochent »), which is
# no time the teacher has.
_NOT_DURATION = re.compile(
    r"\b(?:concentr\w*|(?:tiennent|tient) pas|rest\w* (?:pas )?(?:assis|calmes?|tranquilles?)|attendre|attendent|ecouter|ecoutent"
    r"|decroch\w*)\b[^.,;?!]{0,25}?\b\d+ ?min\w*|\bau bout de \d+ ?min\w*|\b\d+ ?min\w* (?:sans|d'attention"
    r"|de concentration|d'affilee)\b|"
    r"\b(?:a|vers|des|avant|apres|jusqu'a|depuis) \d+ ?h(?:\d+)?\b|\bminutes? de silence\b|"
    r"\b(?:toute la|de la|cette|chaque|par|(?:en |a la )?(?:fin|debut) de(?: la)?) journee\b"
    r"|\bjournees? (?:nationale|mondiale|internationale|contre|"
    r"sans|de lutte|de la|des|du)\b|\bjours? (?:par|de la semaine)\b|\bil y a \w+ jours?\b")


def minutes_stated(folded: str) -> int | None:
    """The duration a message states, in minutes (« 1h30 », « une demi-heure », « 2 jours »…)."""
    folded = _NOT_DURATION.sub(" ", folded)
    if re.search(r"\bdemi[- ]heure\b", folded):
        return 30
    if re.search(r"\bdemi[- ]journees?\b|\bmatinee\b|\bapres-midi\b", folded):
        return 180
    days = re.search(_NUM + r"\s+jours?\b", folded)
    if days and _number(days.group(1)) <= 5:
        return _number(days.group(1)) * 360
    if re.search(r"\bjournee\b", folded):
        return 360
    m = re.search(r"(?:\b|d')(\d+|" + "|".join(_NUMBERS) + r")\s*h(?:eures?)?\s*(\d+)?\b", folded)
    if m:
        return _number(m.group(1)) * 60 + int(m.group(2) or 0)
    if re.search(r"\b(?:une|dune) heure\b", folded):
        return 60
    m = re.search(_NUM + r"\s*min", folded)
    return _number(m.group(1)) if m else None


def _after(folded: str, original: str, starts: str, stops: str) -> list[str]:
    """Every stretch of words after one of `starts` up to the next of `stops`, in the original spelling."""
    out = []
    for m in re.finditer(rf"(?:^|\b)(?:{starts})(?:\s+|(?<='))", folded):
        stop = re.compile(rf"\s+(?:{stops})\b|[,.?!;:()]|$").search(folded, m.end())
        text = original[m.end():stop.start() if stop else len(folded)].strip()
        if text:
            out.append(text)
    return out


def _strip_article(text: str) -> str:
    return re.sub(r"^(?:(?:les|la|le|des|de la|du|aux|au|mes|nos|leurs?|une?|a|à)\s+|l'|d')", "", text,
                  flags=re.IGNORECASE).strip()


def _level_text(question: str) -> str | None:
    levels = levels_in_text(question)
    if not levels:
        m = re.search(r"\b(lycee|seconde|premiere|terminale|lyceens?|cap|bts|universite)\b", fold(question))
        return question[m.start():m.end()] if m else None
    cycle = re.search(r"\bcycle ?([1-4])\b", fold(question))
    if cycle and len({CLASSES[lv] for lv in levels}) == 1:
        return f"cycle {cycle.group(1)}"
    return ", ".join(levels)


def _phrases(folded: str) -> list[str]:
    return [p.strip() for p in re.split(r"(?<=[.?!])\s+|\s*:\s+|\s*,\s+", folded) if p.strip()]


def _asks_documents(folded: str) -> bool:
    """The message asks what the documents say or report (a question, never a plan)."""
    phrases = [p.strip() for p in re.split(r"(?<=[.?!])\s+", folded) if p.strip()]
    if _INVERSION.search(folded) or _DOCUMENT_SAYS.search(folded) or _ASKS_LIBRARY.search(folded):
        return True
    if _ONE_OF_THEIRS.search(folded) or any(_ASKS_DOCUMENTS.match(p) for p in phrases):
        return True
    if any(_WHAT_IS.match(p) and not _PLAN_ASK.search(p) for p in phrases):
        return True
    # « Je prépare une formation : combien de critères retient SPF, et SAFE ça veut dire quoi ? »: a question after
    # the context, asking what the documents say.
    clauses = [re.sub(r"^(?:et|mais|alors|puis)\s+", "", p) for p in _phrases(folded)]
    if any(_ASKS_WHAT_WAS_DONE.match(p) or (_ASKS_DOCUMENTS.match(p) and not _PLAN_ASK.search(p)) for p in clauses):
        return True
    if any(_ASKS_ADVICE.match(p) and not _ABOUT_THE_WORKSHOP.search(p) for p in clauses):
        return True
    # « la formation de 3 jours de l'IREPS, ça coûte combien et c'est quand ? »: a fact asked with its question word
    # last, as French is spoken; the plan's own shape (« …combien de séances ? ») was read before.
    if any(_ASKED_LAST.search(p) for p in clauses):
        return True
    # « …l'école vendéenne du retour d'expérience s'y est prise comment ? », « elle a été faite par qui ? »: what a
    # write-up or a report tells, or who did something.
    if _ABOUT_A_REPORT.search(folded) or re.search(r"\bpar qui\b", folded):
        return True
    # Context first, then a question of its own (« … Quels repères je peux leur donner sur la posture ? »):
    # the last question must itself ask for the plan.
    asked = [p for p in phrases if _QUESTION_START.match(p)]
    return len(phrases) > 1 and bool(asked) and not _PLAN_ASK.search(asked[-1]) and not _shape(asked[-1])


_OPENING_ROLE = re.compile(rf"\W*(?:(?:bonjour|bonsoir|salut)\W+)?(?:une?\s+)?(?:{_ADULTS})\b[^:.?!]{{0,100}}:")


def _self_spans(folded: str) -> list[tuple[int, int]]:
    """Where the speaker describes themself: « je suis CPC », « Bonjour, conseillère pédagogique, je… »,
    « mon collègue et moi »."""
    spans = [m.span() for m in _SELF.finditer(folded)]
    # « Directrice d'une école primaire (3 classes maternelle, 5 élémentaire) : je voudrais… »: a role and its setting
    # opening the message up to a colon
    opening = _OPENING_ROLE.match(folded)
    if opening:
        spans.append(opening.span())
    pos = 0
    for segment in re.split(r"(?<=[,:])", folded):  # leading greetings and role titles (« CPC, … »)
        words = segment.strip(" ,:").split()
        if not words or len(words) > 4 or not re.match(rf"(?:bonjour|bonsoir|salut|coucou|slt|madame|monsieur|"
                                                       rf"(?:une?\s+)?(?:{_ADULTS}))\b", segment.strip()):
            break
        spans.append((pos, pos + len(segment)))
        pos += len(segment)
    return spans


def _shape(folded: str) -> bool:
    """The sentence alone holds a plan's shape: several sessions, or adults and a duration."""
    several = bool(_session_count(folded) or _PLAN_NOUN.search(folded) or _SPAN.search(folded))
    return several or bool((_audience(folded) or _ADULT_FORMAT.search(folded)) and minutes_stated(folded))


def _audience(folded: str) -> re.Match[str] | None:
    """The first adult audience the message addresses (not the speaker describing themself)."""
    spans = _self_spans(folded)
    for m in _AUDIENCE.finditer(folded):
        if not any(a <= m.start() < b for a, b in spans):
            return m
    return None


def _session_count(folded: str) -> int | None:
    """How many sessions the message asks for: « 6 séances », « 4 ateliers », « pendant 7 semaines »."""
    for m in _SESSIONS.finditer(folded):
        n = _number(m.group(1))
        if n >= 2:
            return n
    times = re.search(_NUM + r"\s*[x×]\s*\d", folded)  # « 3 × 1 h »
    if times and _number(times.group(1)) >= 2:
        return _number(times.group(1))
    weeks = _WEEKS.search(folded)
    return _number(weeks.group(1)) if weeks and _number(weeks.group(1)) >= 2 else None


# A rhythm over a span (« une séance tous les 15 jours sur toute l'année ») gives the count: a school year holds
# about 36 weeks of class, a trimester 12, a semester 18, a period between two holidays 7, a month of the school year
# 3.6 (36 weeks over September to June).
_INTERVAL_WEEKS = (
    (re.compile(r"\b(?:chaque semaine|toutes les semaines|(?:une |1 )?fois par semaine|par semaine|hebdomadaires?)\b"), 1.0),
    (re.compile(r"\b(?:par quinzaine|une quinzaine)\b"), 2.0),
    (re.compile(r"\b(?:tous les mois|chaque mois|(?:une |1 )?fois par mois|par mois|mensuelles?)\b"), 4.0),
)
# « toutes les 3 semaines », « une séance / 3 semaines », « tous les 10 jours », « toutes les deux sem. »
_EVERY = re.compile(r"(?:\btou(?:te)?s les|/|\bpar|\bchaque)\s*" + _NUM[2:] + r"\s*(semaines?|sem\b|jours?|j\b)")
_SCHOOL_YEAR = re.compile(r"\b(?:toute l'annee|sur l'annee|pour l'annee|cette annee|de l'annee|l'annee scolaire|dans l'annee"
                          r"|annuelle?|de la rentree a (?:l'ete|juin|la fin de l'annee)|periode (?:par|apres) periode)\b")
_SPAN_WEEKS = (
    (_SCHOOL_YEAR, 36),
    (re.compile(r"\bsemestres?\b"), 18),
    (re.compile(r"\btrimestres?\b"), 12),
    (re.compile(r"\b(?:la |une |cette )periode\b"), 7),
)
_MONTH_SPAN = re.compile(r"\b(?:de|d'|entre)\s*(\w+)\s+(?:a|au|jusqu'a|jusqu'en|et)\s+(\w+)")
WEEKS_PER_MONTH = 3.6


def _months(folded: str) -> tuple[str, str] | None:
    """The months a message spans (« de septembre à juin », « entre janvier et mars »), if it names two."""
    m = _MONTH_SPAN.search(folded)
    return (m.group(1), m.group(2)) if m and all(w in MONTHS for w in m.groups()) else None


def _interval_weeks(folded: str) -> float | None:
    """Weeks between two sessions, as the message gives its rhythm."""
    every = _EVERY.search(folded)
    if every:
        n = _number(every.group(1))
        # days to weeks of class, to the half week: « tous les 15 jours » is every two weeks
        return n if every.group(2).startswith("s") else max(0.5, round(n / 7 * 2) / 2)
    return next((weeks for pattern, weeks in _INTERVAL_WEEKS if pattern.search(folded)), None)


def recurring(folded: str) -> bool:
    """The message gives a rhythm (« une heure tous les quinze jours », « chaque semaine »): the time it states is each
    session's."""
    return _interval_weeks(folded) is not None


def _span_weeks(folded: str) -> float | None:
    """Weeks of class the plan spans: the months named (« de janvier à juin »), else the school year, a semester…"""
    months = _months(folded)
    if months:
        first, last = MONTHS.index(months[0]), MONTHS.index(months[1])
        return ((last - first) % len(MONTHS) + 1) * WEEKS_PER_MONTH
    return next((weeks for pattern, weeks in _SPAN_WEEKS if pattern.search(folded)), None)


def _rhythm_count(folded: str) -> int | None:
    """Sessions a rhythm over a span makes: « tous les 15 jours » over « toute l'année » is 18."""
    interval, span = _interval_weeks(folded), _span_weeks(folded)
    if not interval or span is None:
        return None
    return max(2, round(span / interval))


def _progression_theme(folded: str, original: str) -> list[str]:
    named = _THEME_NAMED.search(folded)
    if named:
        rest = original[named.end():]
        text = re.split(r"[.?!;:]|\s+(?:pour|en|avec)\s", rest)[0]
        if text.strip():
            return [_strip_article(text.strip())]
    for text in _after(folded, original, _THEME_START, _THEME_STOP):
        text = _strip_article(text)
        if text and not _NOT_A_THEME.match(fold(text)):
            return [text]
    # « 6 séances émotions CE2 »: competence words named without a preposition, each of them (« émotions et
    # coopération » lost the emotions), in the order written
    found: dict[int, tuple[int, str]] = {}
    for kw in [fold(comp.label) for comp in COMPETENCES] + [kw for comp in COMPETENCES for kw in comp.keywords] + ["emotion"]:
        for m in re.finditer(rf"\b{re.escape(kw)}\w*", folded):
            if not any(a <= m.start() < b or m.start() <= a < m.end() for a, (b, _) in found.items()):
                found[m.start()] = (m.end(), original[m.start():m.end()])
    if found:
        return [text for _, (_, text) in sorted(found.items())]
    # « une progression en numération », « 6 séances d'anglais »: a subject named after the plan's noun is its
    # theme, so that the planner can say the library has nothing on it instead of planning the base competences
    for text in _after(folded, original, _SUBJECT_AFTER, _THEME_STOP):
        # « progression en anglais cycle 3 »: the class that follows the subject is not part of it
        text = _strip_article(_LEVEL_AFTER.split(text)[0].strip())
        if text and not _NOT_A_THEME.match(fold(text)) and not levels_in_text(text) and not _NOT_A_SUBJECT.match(fold(text)):
            return [text]
    return []


def _progression(folded: str, original: str, level: str, count: int | None) -> ProgressionRequest:
    req = ProgressionRequest(level=level)
    rhythm = None if count else _rhythm_count(folded)
    count = count or rhythm
    year = bool(_SCHOOL_YEAR.search(folded)) and _months(folded) is None
    if count:
        req.sessions = count
    else:
        req.defaults.append("sessions")
        if year:
            req.sessions = ANNUAL_SESSIONS
    minutes = minutes_stated(folded)
    if minutes:
        req.minutes = minutes
    else:
        req.defaults.append("minutes")
    req.competences = _progression_theme(folded, original)
    months = _months(folded)
    if months:
        req.period = f"{months[0]}-{months[1]}"
    elif year and (rhythm or not count):
        # « une séance toutes les 3 semaines sur l'année », « une progression annuelle » : the sessions spread over the
        # school year, month by month
        req.period = "septembre-juin"
    return req


def _public(folded: str, original: str, aud: re.Match[str] | None) -> str:
    if aud is None:
        if re.search(r"\bconseil des maitres|conseil de cycle|reunion de cycle", folded):
            return "équipe enseignante (conseil des maîtres)" if "maitres" in folded else "équipe enseignante du cycle"
        if re.search(r"\bconseil d'ecole\b", folded):
            return "conseil d'école"
        return "enseignants"
    start = aud.start()
    before = re.search(r"\b(nouveaux|nouvelles|jeunes|futurs|futures)\s+$", folded[:start])
    if before:
        start = before.start(1)
    tail = _AUDIENCE_TAIL.match(folded, aud.end())
    end = tail.end() if tail else aud.end()
    return original[start:end].strip()


# What a workshop helps its public do (« pour aider les parents à accompagner les colères », « apprendre à gérer… »).
_WORKSHOP_PURPOSE = r"accompagner|gerer|aborder|comprendre|developper|apprivoiser|prevenir|travailler"


def _workshop(folded: str, original: str, aud: re.Match[str] | None, minutes: int | None) -> WorkshopRequest:
    req = WorkshopRequest(public=_public(folded, original, aud), minutes=minutes or DEFAULT_WORKSHOP_MINUTES,
                          theme=DEFAULT_THEME)
    if not minutes:
        req.defaults.append("minutes")
    # What the workshop is about, said outright (« sur la colère »), then as what it helps do (« pour aider les parents
    # à accompagner les colères… »), then after « à la », « au », which often say where (« …à la maison »).
    stops = r"pour|avec|de \d+|d'une|d'un|pendant|en \d+|lors|le \w+di|aupres|devant|samedi|jeudi|la semaine|tu|que|:"
    themes = [_strip_article(t) for starts in (r"sur|autour d[eu']s?|autour de la|parler d[eu']s?|parler de la|parler de l'",
                                               _WORKSHOP_PURPOSE, r"au|a la|a l'")
              for t in _after(folded, original, starts, stops)]
    themes = [t for t in themes if t and not _AUDIENCE.fullmatch(fold(t)) and not re.match(
        r"^(?:\d|conseil|reunion|quotidien|college|cycle|programme de la|la semaine)", fold(t))]
    # « comment je présente le programme à… »: what is presented is the theme.
    shown = _after(folded, original, r"presente|presenter|presentation d[eu']s?|presentation de la|faire decouvrir|"
                                     r"expliquer|explique", r"a|aux|au|pour|en|lors|devant|avec|sur|de \d+|d'une|a l'")
    # « une présentation de 20 min du programme » → « le programme »
    articles = {"du": "le ", "de la": "la ", "des": "les ", "de l'": "l'", "d'": ""}
    shown = [re.sub(r"^(?:de |d')?\d+\s*(?:min\w*|h\w*)\s+(du|de la|des|de l'|d')\s*",
                    lambda m: articles[fold(m.group(1))], t, flags=re.IGNORECASE) for t in shown]
    shown = [t for t in shown if t and not _AUDIENCE.match(fold(_strip_article(t)))]
    if themes:
        req.theme = themes[0]
    elif shown:
        req.theme = "présenter " + shown[0]
    else:
        req.defaults.append("theme")
    # « soirée parents en maternelle », « CPE en lycée pro… avec les délégués »: the public's children, when neither the
    # public nor the theme says them, for the activity the workshop has them live (a sheet of their cycle, not a CM2
    # one on exam stress).
    level = _level_text(original)
    said = f"{req.public} {req.theme}"
    if level and not levels_in_text(said) and fold(level) not in fold(said):
        req.public = f"{req.public} ({level})"
    return req


# What a plan is called when one is asked for (« une trame », « un déroulé », « un programme pour la matinée »).
_PLAN_OBJECT = re.compile(r"\b(?:une?|des|la|le) (?:trames?|deroules?|deroulements?|plans?|canevas|scenarios?|programmes?)\b")


def _asks_its_own_shape(folded: str) -> bool:
    """« je veux construire une progression sur l'année avec mes CE1, combien de séances et dans quel ordre ? »: a
    request for a plan whose questions ask only for the plan's own shape (how many sessions, in what order, how
    long), which the plan gives."""
    if not (_REQUEST.search(folded) and _PLAN_NOUN.search(_RUNNING_PLAN.sub(" ", folded))) or _DOCUMENT_SAYS.search(folded):
        return False
    asked = [p for p in _phrases(folded) if _QUESTION_START.match(p) or _ASKS_DOCUMENTS.match(p) or _ASKS_ORDER.search(p)]
    return bool(asked) and all(_PLAN_SHAPE_ASKED.fullmatch(p.rstrip(" ?!.")) for p in asked)


_PLAN_SHAPE_ASKED = re.compile(r"(?:(?:et )?(?:combien de (?:seances|ateliers|temps|semaines|minutes)|(?:dans|en) quel ordre|"
                               r"quel ordre|quelle duree|quelle frequence|a quel rythme)(?: par (?:an|seance|semaine))?"
                               r"(?: (?:prevoir|faire|compter|il faut|faut-il|travailler|aborder|mettre|enchainer|prendre)"
                               r"(?: (?:les|mes) (?:competences|seances|themes|activites))?)?\s*)+")


_ELISION_AS_SPACE = re.compile(r"\b([ldjnmtsc]|qu) (?=[aeiouyhàâéèêëîïôû])", re.IGNORECASE)


def parse(question: str) -> ProgressionRequest | WorkshopRequest | None:
    """The planner's fields when the message asks for a plan; None for an ordinary question."""
    # « sur l annee », « c est »: the elision typed as a space (same length, so spans stay aligned)
    original = _ELISION_AS_SPACE.sub(r"\1'", unicodedata.normalize("NFC", " ".join(question.split())))
    folded = fold(original)
    if len(folded) != len(original):
        original = folded  # a ligature folded to two letters: spans are taken from the folded text
    own_shape = _asks_its_own_shape(folded)
    minutes = minutes_stated(folded)
    aud = _audience(folded)
    # « Je dois animer un atelier de 2 heures pour des animateurs… Vous avez une trame de déroulé ? » asks for the
    # workshop's plan, though « vous avez » asks the library.
    plan_asked = bool(_PLAN_OBJECT.search(folded)) and aud is not None and minutes is not None \
        and bool(_WORKSHOP_FORM.search(folded)) and not _DOCUMENT_SAYS.search(folded)
    if _asks_documents(folded) and not own_shape and not plan_asked:
        return None
    # « dans quel ordre travailler les compétences ? » asks how the guide sequences them, not for a plan; « une animation
    # pédagogique de 3h pour des enseignants de cycle 2, par quoi commencer ? » asks where a workshop starts: its plan
    adult_format = bool(_ADULT_FORMAT.search(folded))
    count = _session_count(folded)
    workshop_timed = adult_format and aud is not None and minutes is not None
    if _ASKS_ORDER.search(folded) and count is None and not own_shape and not workshop_timed:
        return None
    questioning = any(_QUESTION_START.match(p) for p in _phrases(folded))
    requesting = bool(_REQUEST.search(folded))
    level = _level_text(original)

    # A class and several sessions: a progression, asked however (« comment répartir 8 séances… »).
    plan_noun = _PLAN_NOUN.search(_RUNNING_PLAN.sub(" ", folded))
    # Weeks or a period alone (« chaque vendredi », « ce trimestre ») also describe rituals and context:
    # they make a progression with sessions named, or with a verb that plans.
    several = bool(count and _SESSIONS.search(folded)) or bool(
        (count or _SPAN.search(folded)) and (_SEVERAL.search(folded) or _PLANS.search(folded)
                                             or (count and requesting)))
    # Adults named beside « 6 séances pour mes CE2 » (« …et associer les parents ») leave it a progression.
    if level and not adult_format and (plan_noun or several) and not (aud and not _SESSIONS.search(folded)):
        request = _progression(folded, original, level, count)
        # « une idée de séquence sur deux heures ? » for a need described in words: one sequence with no count,
        # theme or period is what a sheet answers, not six sessions of the base competences
        nouns = {m.group(0) for m in _PLAN_NOUN.finditer(_RUNNING_PLAN.sub(" ", folded))}
        if nouns == {"sequence"} and count is None and not request.competences and not _SPAN.search(folded):
            return None
        return request
    # Adults, a format for them and a duration: a workshop, even when phrased « comment je présente… ».
    if (aud or adult_format) and (_WORKSHOP_FORM.search(folded) or requesting):
        if minutes is not None:
            return _workshop(folded, original, aud, minutes)
        # Without a duration, the format must be what is asked for, not what a question serves
        # (« …la différence entre une IP et un signalement, pour une formation des AED ? »).
        if aud and requesting and not questioning and re.search(
                r"(?<!pour )(?<!pour la )(?<!pour une )(?<!pour un )(?<!c'est )(?<!\bpas de )(?<!\bpas eu de )(?<!jamais eu de )"
                r"(?<!\bsans )(?<!\bni )\b(?:atelier|formation|animation|"
                r"intervention|presentation|reunion|module)\b", folded):
            return _workshop(folded, original, aud, None)
    return None


# -- a plan changed in conversation -----------------------------------------------------------
# A tweak is short; a longer message is a new question or a new request.
_TWEAK_WORDS = 14
# Session counts a tweak may give without « séances » (« plutôt 4 », « en 8 fois »).
_TWEAK_COUNT = re.compile(_NUM + r"\s*(?:fois|seances?|ateliers?|creneaux)\b|^(?:plutot|non|et|mais)?\s*(?:en\s+)?(\d+)\s*\??$")
_ASKS_OTHER = re.compile(r"\b(?:c'est quoi|qu'est|quoi|comment|pourquoi|quels?|quelles?|qui|combien|ou est)\b"
                         r"|\b(?:une?|des) (?:activites?|seances?|jeux?|ateliers?|fiches?|idees?)\b")
_TWEAK_THEME = r"sur|autour d[eu']s?|autour de la|plutot sur|pour travailler|travailler"


def revise(request: ProgressionRequest | WorkshopRequest, follow_up: str) -> ProgressionRequest | WorkshopRequest | None:
    """The plan `request` changed by a short follow-up (« plutôt 60 min », « et pour des CE1 ? », « en 4
    séances », « plutôt sur la coopération »): a copy with the fields the follow-up gives; None when it
    gives none or reads as a question of its own."""
    original = unicodedata.normalize("NFC", " ".join(follow_up.split()))
    folded = fold(original)
    if len(folded) != len(original):
        original = folded
    if len(folded.split()) > _TWEAK_WORDS or _asks_documents(folded) or _ASKS_OTHER.search(folded):
        return None
    changed: dict[str, object] = {}
    minutes = minutes_stated(folded)
    if minutes:
        changed["minutes"] = minutes
    themes = [_strip_article(t) for t in _after(folded, original, _TWEAK_THEME, _THEME_STOP)]
    themes = [t for t in themes if t and not _NOT_A_THEME.match(fold(t))]
    if isinstance(request, ProgressionRequest):
        level = _level_text(original)
        if level:
            changed["level"] = level
        count = _session_count(folded)
        tweak = _TWEAK_COUNT.search(folded) if count is None and minutes is None else None
        if tweak:
            count = _number(tweak.group(1) or tweak.group(2))
        if count and count >= 1:
            changed["sessions"] = count
        theme = themes or ([] if changed else _progression_theme(folded, original))
        if theme:
            changed["competences"] = theme
    else:
        aud = _audience(folded)
        if aud is not None:
            changed["public"] = _public(folded, original, aud)
        if themes:
            changed["theme"] = themes[0]
    if not changed:
        return None
    names = {"competences": "theme", "public": "public"}
    defaults = [d for d in request.defaults if names.get(d, d) not in changed and d not in changed]
    return dataclasses.replace(request, **changed, defaults=defaults)  # type: ignore[arg-type]


def describe(request: ProgressionRequest | WorkshopRequest) -> str:
    """The request as a message `parse` reads back the same: what the conversation remembers of a plan,
    so that a second change applies to the first."""
    if isinstance(request, ProgressionRequest):
        theme = f" sur {', '.join(request.competences)}" if request.competences else ""
        return f"Prépare {request.sessions} séances de {request.minutes} min{theme} pour des {request.level}"
    return f"Prépare un atelier de {request.minutes} min pour des {request.public} sur {request.theme}"
