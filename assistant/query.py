"""Query understanding: the levels a question names (→ cycles, a soft boost), whether it asks for
an activity to run, and follow-up questions that lean on the previous turn."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant import activity_intent, lexical
from assistant.errors import QuestionRejected
from assistant.sms import spell_out
from assistant.vocabulary import COMPETENCES, cycles_of, fold, levels_in_text, names_lycee

if TYPE_CHECKING:
    import numpy as np

# "How do I run / which activity" questions: they get a session sheet laid out as a sheet.
_ACTIVITY = re.compile(
    r"\b(comment (?:animer|mener|conduire|travailler|aborder)|"
    # « comment organiser le passage de relais / le tutorat ? » organises adults' work: only a session organised asks for one
    r"comment organiser (?:une?|la|les|ma|mes|cette|ces|des) (?:seances?|activites?|ateliers?|jeux?)|"
    r"quel(?:le)?s? (?:activites?|seances?|ateliers?|jeux?|exercices?|outils?|fiches?|sequences?)|(?<!fin d')(?<!lors d')(?<!cours d')(?<!debut d')(?<!pendant )(?<!durant )(?<!apres )(?:une|des) (?:activites?|seances?|ateliers?|sequences?|jeux?) (?:sur|pour|de|d'|qui|ou|avec|en)|"
    r"idees? d'(?:activite|atelier|seance|jeu)|fiches? (?:seance|activite)|propose[rz]?[- ](?:moi|nous) une|je cherche une? (?:activite|seance|jeu|atelier)|(?:quelque chose|un outil|un support) pour (?:apprendre|travailler|aider)|comment (?:leur|lui) apprendre|^(?:une? )?(?:activites?|seances?|ateliers?|jeux?)\b)"
    # « mes CM1 se moquent de ceux qui se trompent, une séance ? »: the request closes the message, after the situation
    r"|(?:^|[,;:.!?]\s*)une? (?:activite|seance|atelier|jeu|fiche|idee d'(?:activite|atelier)|idee de (?:seance|jeu))\s*[?!.]*\s*$"
)
# Requests for something to run with a class that the pattern above misses: a thing asked for
# ("vous avez une fiche ?", "une idée ?"), or how to work on something with pupils of a named class
# ("comment aider mes CE1 à…", "je dois animer 1 h avec des CM1"). The second kind needs a class named,
# so that questions about training adults or the programme stay factual.
_REQUEST_THING = re.compile(
    r"\b(?:(?:vous|tu) (?:avez|auriez|as|aurais)|avez[- ]vous|auriez[- ]vous|(?:il )?y a(?:[- ]t[- ]il)?|je cherche|"
    r"je voudrais|j'aimerais|je veux|il me faut|besoin d')\b[^?.!]{0,40}?\b(?:quelque chose|qqch|(?:une?|des)\b[^?.!]{0,25}?"
    r"\b(?:seances?|sequences?|activites?|ateliers?|jeux?|fiches?|exercices?|defis?|outils?|idees?|trucs?|supports?"
    r"|travail (?:de|en) groupe|travaux (?:de|en) groupe))\b"
    r"|\b(?:une|des) idees?\b|\bun truc pour\b"
)
_WORK_WITH_CLASS = re.compile(
    r"\b(?:comment (?:(?:je |j'|on |leur |lui |l')?(?:aider|aide|apprendre|apprends?|enseigner|enseigne|amener|amene|"
    r"accompagner|faire (?:pour|avec)|fais pour|travailler|travaille|aborder|aborde|animer|anime|mener|mene)|"
    r"(?:les|l') aider)|(?:que|qu'est-ce que|quoi) (?:je|j'|on) (?:peux|peut|pourrais|pourrait|dois|doit)(?: leur)? faire|"
    r"je dois (?:animer|mener|faire une? (?:seance|activite|atelier))|j'anime|animer (?:une?|\d+) ?(?:h|heure|demi|seance|atelier)|"
    r"(?:un|des) (?:defis?|jeux?|ateliers?|exercices?|outils?) (?:\w+ )?(?:pour|avec|en)\b)"
)

# Sessions for adults (training, a team meeting) are not class activities.
_ADULT_AUDIENCE = re.compile(r"\b(?:enseignants?|collegues?|formateurs?|formatrices?|parents|adultes|stagiaires|"
                             r"neo-?titulaires|animation pedagogique|formations?|conseils? des maitres|equipe pedagogique)\b")

# The speaker naming themself (« je suis prof en lycée, vous avez une séance… ») is no adult audience.
_SPEAKER_ROLE = re.compile(r"\b(?:je suis|en tant que?|moi,?) (?:une? )?(?:enseignante?s?|professeure?s?|formateur|formatrice|"
                           r"stagiaire|neo-?titulaire)\b")

_QUESTION_WORD = re.compile(r"\b(?:qu'|que|quoi|quel(?:le)?s?|combien|pourquoi|qui|quand|ou|comment|est-ce)\b")


# Questions whose best answer is an overview ("qu'est-ce que…", "qui porte…") or an evaluation.
_DEFINITION = re.compile(r"\b(qu'est-ce que|qu'est ce que|c'est quoi|ca veut dire|que veut dire|presente[rz]?(?:-moi)?|qui (?:porte|pilote|finance|coordonne)|en quelques mots|d'ou vient)\b")
# « je débute, je commence par où ? »: the guides on running sessions and building progressions answer, not a step of
# a sheet that begins with « je commence par… ».
_WHERE_TO_START = re.compile(r"\b(?:par ou (?:je |on |il faut |faut-il )?(?:commence|commencer|demarre|demarrer)|"
                             r"(?:je|on) commence par ou|par quoi (?:je |on )?(?:commence|commencer|demarrer)|je debute|"
                             r"premiers pas|je me lance|je ne sais pas par ou)\b")
_EVALUATION = re.compile(r"\b(evaluation|evaluateurs?|rapport final|resultats|conclusions?|recommandations?|chiffres cles|bilan du programme)\b")

_ORDER = re.compile(r"\b(?:dans|en) quel ordre\b")
# Words that can only point back at what was just said (« cette séance », « pour eux »).
_POINTING_BACK = r"celle-ci|celle-la|celui-ci|cette seance|cette activite|pour eux|pour elles"
# « je peux la couper », « on la fait »: « la » before a verb, the session just shown (not « la classe », « la plupart »).
_LA_BEFORE_A_VERB = (r"\b(?:je|j'|on|tu|vous|nous|peux|peut|pouvez|puis|dois|doit|faut|vais|va|veux)\s*la\s+"
                     r"(?!plupart\b|classe\b|seance\b|fiche\b|premiere\b|meme\b|fin\b|suite\b)[a-z]+(?:er|ir|re|s|t|e)\b")
# Follow-ups that only make sense with the previous question.
_FOLLOW_UP = re.compile(
    r"^(?:et|mais|puis|ok|d'accord|alors)\b|\b(?:elle|il|" + _POINTING_BACK + r"|"
    r"ca|cela|la meme|le meme|pareil|aussi|encore)\b"
    # « comment ils ont associé les familles ? », « ça leur a pris combien de temps ? », « l'idée leur est venue d'où ? »:
    # the people just spoken of
    r"|^(?:(?:et|mais|alors|comment|pourquoi|quand|ou|combien|qu'est-ce qu'|est-ce qu')\s*)?(?:ils|elles)\b"
    r"|\bleur (?:a|ont|est|sont|etait|etaient|faut|fallait|avait|avaient)\b"
    # « je peux la couper en deux ? », « on la fait dehors ? »: « la » before a verb is the session just shown
    r"|" + _LA_BEFORE_A_VERB
)
_ADAPT = re.compile(r"\b(?:je change|on change|changer|je modifie|modifier|j'adapte|on adapte|l'adapter|adapter|corser|complexifier"
                    r"|plus (?:difficile|dur|facile|simple)|aller plus loin)\b")
# « et la suite ? », « la séance d'après ? »: what follows the sheet just shown in a progression.
_NEXT_SESSION = re.compile(r"^(?:et |ok |alors |bon )?(?:la suite\b|(?:apres|ensuite)\s*(?:[?!.,;]|$))|\b(?:(?:seance|activite|fiche) (?:d'apres|suivante)|"
                           r"apres (?:cette|celle-ci|ca)(?: seance| activite| fiche)?|prochaine seance|on enchaine avec quoi|"
                           r"(?:je|on) (?:fais|fait) quoi (?:apres|ensuite))\b")
# « tu peux raccourcir ? », « en bref ? »: the answer just given, shorter.
_SHORTER = re.compile(r"\b(?:raccourci\w*|resume\w*|plus courte?s?|en bref|l'essentiel|version courte|synthetique|en quelques lignes"
                      r"|simplifie\w*|condense\w*)\b")
_ONLY_TIME = re.compile(r"\b\d+ ?(?:min|minutes|h|heures?)\b|\b(?:une|1) (?:heure|demi-heure)\b")
_ABOUT_IT = re.compile(r"^(?:c'est|c est|cest|est-ce|c'etait)\b")
_RITUAL = re.compile(r"\b(?:rituels?|routines?|habitudes?)\b")
_SESSION_NAMED = re.compile(r"\b(?:seances?|sequences?|ateliers?|fiches?|activites?)\b")
_CONTINUES = re.compile(r"^(?:et|mais|puis|ok|d'accord|alors)\b")
_ANAPHOR = re.compile(r"\b(?:" + _POINTING_BACK + r"|cette fiche|ce jeu)\b")
_ORDINALS = {"premiere": 1, "1re": 1, "1ere": 1, "deuxieme": 2, "seconde": 2, "2e": 2, "2eme": 2, "troisieme": 3, "3e": 3,
             "3eme": 3, "quatrieme": 4, "4e": 4, "4eme": 4, "cinquieme": 5, "5e": 5, "5eme": 5, "sixieme": 6, "6e": 6,
             "6eme": 6, "septieme": 7, "7e": 7, "derniere": -1}
# « l'étape 3 », « la deuxième étape »: a step of a sheet named by its number
_STEP_ASKED = re.compile(r"\bl'etape (\d+)\b|\bla (" + "|".join(_ORDINALS) + r") etape\b")
_DETAIL = re.compile(r"\b(combien de temps|duree|dure[- ]t[- ]elle|quel materiel|materiel|objectifs?|deroulement|bilan|variantes?)\b|"
                     + _STEP_ASKED.pattern)
# A later question of a request that asks what running the sheet takes, not what it is about: its duration, materials,
# preparation, precautions, steps, or adapting it (« … Vous avez une séance pour ça ? Et il y a quelque chose à préparer
# à l'avance ? »).
_ASKS_HOW_TO_RUN = re.compile(_DETAIL.pattern + r"|\b(?:prepar\w*|prevoir|precautions?|adapt\w*|matos|ca dure|il faut quoi)\b")


def request_without_details(question: str) -> str:
    """The request a message makes without its later questions on a sheet's details: what the skill model reads (the
    whole message read « préparer à l'avance » as a request about stress, and chose the stress sheet for pupils who
    cannot name what they feel). The message itself when it has no such question."""
    parts = [p for p in re.split(r"(?<=\?)\s*", question) if p.strip()]
    kept = parts[:1] + [p for p in parts[1:] if not _ASKS_HOW_TO_RUN.search(fold(p))]
    return " ".join(kept) if len(kept) < len(parts) else question


# When, for how long and with how many pupils the teacher has the class (« j'ai 25 min avec mes CE1 vendredi »,
# « classe entière, 27 élèves ») say nothing of the skill a request asks for, but the skill model's training requests
# that gave a duration mostly asked for self-control or self-awareness (one of 83 for settling conflicts): « 25 min »
# read « ils se disputent » as self-control. 150 activity requests of the development splits, each given such a context,
# read as without it: 149 with a duration and a day (137 when read whole), 149 with a class size (132), 149 with a
# half group, its size and a duration (142).
_CLASS_CONTEXT = re.compile(
    r"\b(?:(?:de|en|pendant|sur)\s+)?(?:(?:j'ai|on a|nous avons|avons)\s+)?(?:(?:que|seulement|juste|environ)\s+)?"
    r"\d+\s*(?:min|minutes|mn|h|heures?)(?:\s*\d+)?\b|\b(?:une|1) (?:heure|demi-heure)\b"
    r"|\b(?:le |ce |chaque )?(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|demain)s?"
    r"(?: (?:matin|apr[eè]s-midi|soir|prochain))?\b"
    # how many pupils: « classe entière, 27 élèves », « en demi-groupe (12) »
    r"|\b(?:(?:de|avec|en|pour)\s+)?\d+\s*(?:[ée]l[èe]ves|enfants)\b|\((?:\s*\d+\s*)\)"
    r"|\b(?:en\s+)?(?:classe enti[èe]re|demi-groupes?|demi groupes?)\b", re.IGNORECASE)


def skill_request(question: str) -> str:
    """What the skill model reads of an activity request: the request without its later questions on a sheet's details
    (`request_without_details`), nor when, for how long and with how many pupils the class is had."""
    request = request_without_details(question)
    if not _CLASS_CONTEXT.search(request):
        return request
    stripped = re.sub(r"\(\s*[,;:]?\s*\)", " ", _CLASS_CONTEXT.sub(" ", request))  # « (12 élèves) » gone: its brackets too
    stripped = re.sub(r"\s+([,.?!;:])", r"\1", re.sub(r"\s{2,}", " ", stripped))
    stripped = re.sub(r"([,;:.?!])[,;:.]+", r"\1", stripped).strip(" ,;:.")
    return stripped if re.search(r"\w", stripped) else request


# « je peux la couper en deux ? », « on la fait en plusieurs fois ? »: splitting a session, a question about its duration.
_SPLIT = re.compile(r"\b(?:couper|decouper|scinder|diviser|fractionner|etaler|faire|fait|fais)\s+(?:\w+\s+){0,2}?en\s+"
                    r"(?:deux|2|trois|3|plusieurs)\b|\ben (?:deux|2|trois|3|plusieurs) (?:fois|temps|moments|seances|parties|morceaux)\b")


# « la » before a verb, « ça », « elle », « cette fiche »: words that point back at the session just shown.
_POINTS_BACK = re.compile(r"\b(?:ca|cela|elle|celle-ci|cette (?:fiche|seance|activite))\b|" + _LA_BEFORE_A_VERB)


def fits_in_time(question: str) -> bool:
    """A question stating the time the teacher has (« j'ai que 20 min ») or asking to split a session (« je peux la
    couper en deux ? »), pointing back at the session just shown: after a sheet, a question about that sheet's duration.
    « et sur la coopération, j'ai 40 min ? » points at none: it asks for another sheet."""
    folded = fold(question)
    return bool((_ONLY_TIME.search(folded) or _SPLIT.search(folded)) and _POINTS_BACK.search(folded))


@dataclass(frozen=True)
class QueryInfo:
    text: str
    levels: tuple[str, ...]
    cycles: tuple[int, ...]
    wants_activity: bool
    asks_detail: bool
    competences: tuple[str, ...] = ()  # general competences the question's words point at (a soft boost)
    doc_types: tuple[str, ...] = ()  # document types that usually answer this kind of question (a soft boost)
    definitional: bool = False  # "qu'est-ce que…", "qui porte…": the document's own introduction answers first
    activity_by_meaning: bool = False  # the activity request was read by the model alone, not by the patterns
    activity_reading: float | None = None  # the activity-intent model's probability (None without an e5 vector)


def understand(question: str, vector: np.ndarray | None = None) -> QueryInfo:
    """What the question says beyond its words: levels, cycles, activity intent, detail intent. With the
    question's multilingual-e5-small `vector`, a request for an activity the patterns miss is read by
    meaning too (`assistant/activity_intent.py`), and a pattern hit the model all but rules out is dropped."""
    folded = fold(spell_out(question))
    levels = tuple(levels_in_text(question))
    p = activity_intent.probability(question, vector)
    # A pattern hit stays a hit unless the model is all but sure it asks nothing to run with pupils.
    # A lycée class is a class named too (« une séance CPS pour mes secondes ? »), though no sheet is tagged for it.
    by_patterns = wants_activity_in(folded, bool(levels) or names_lycee(question)) and (
        p is None or p >= activity_intent.OVERRULE_BELOW)
    by_meaning = not by_patterns and p is not None and p >= activity_intent.load_model().threshold
    # « un petit rituel pour le retour de récré ? » asks for an everyday practice, which the guides and write-ups
    # describe, not for a session to run: not an activity request unless a session is named too.
    # « dans quel ordre faire les compétences en CM1-CM2 ? » asks how a progression sequences them (the guide), not for
    # a session.
    wants_activity = (by_patterns or by_meaning) and not (_RITUAL.search(folded) and not _SESSION_NAMED.search(folded)) \
        and not _ORDER.search(folded)
    definitional = is_definitional(question)
    doc_types = tuple(t for t, wanted in (("seance", wants_activity), ("guide", not wants_activity),
                                          ("presentation", definitional),
                                          ("evaluation", bool(_EVALUATION.search(folded)))) if wanted)
    return QueryInfo(
        text=question,
        levels=levels,
        cycles=tuple(cycles_of(list(levels))),
        wants_activity=wants_activity,
        asks_detail=bool(_DETAIL.search(folded)),
        competences=skills_named(folded),
        doc_types=doc_types,
        definitional=definitional,
        activity_by_meaning=by_meaning,
        activity_reading=p,
    )


def is_definitional(question: str) -> bool:
    """« qu'est-ce que… ? », « c'est quoi… ? », « qui porte… ? »: the document's own introduction answers first."""
    return bool(_DEFINITION.search(fold(spell_out(question))))


# Not « seconde »: a lycée class (« et en seconde ? »).
_ANOTHER = re.compile(r"\b(?:autres?|differente?s?|nouvel(?:le)?s?|nouveaux?|une deuxieme|un deuxieme|encore une?|mieux)\b")


def asks_another(question: str) -> bool:
    """« tu as autre chose pour des CE2 ? », « une différente ? »: not the sheet just shown."""
    return bool(_ANOTHER.search(fold(question)))


# Longer, a question names its own subject (« former des formateurs : par quoi on commence ? »).
WHERE_TO_START_WORDS = 9


def where_to_start(question: str) -> str:
    """« je débute, je commence par où ? » asks where to start with the programme, in words that name nothing of it:
    searched with the two halves of its method spelled out (conducting a session, building a progression); any
    other question unchanged."""
    folded = fold(question)
    if (_word_count(folded) > WHERE_TO_START_WORDS or not _WHERE_TO_START.search(folded)
            or skills_named(folded) or levels_in_text(question)):
        return question
    return f"{question.rstrip(' ?')} : par où commencer pour conduire une séance CPS et construire une progression ?"


def wants_activity_in(folded: str, names_level: bool) -> bool:
    """Whether a (folded) question asks for something to run with pupils: a session, an activity, an idea."""
    if _ACTIVITY.search(folded):
        return True
    if _ADULT_AUDIENCE.search(_SPEAKER_ROLE.sub(" ", folded)):
        return False
    if _REQUEST_THING.search(folded) or (names_level and _WORK_WITH_CLASS.search(folded)):
        return True
    # "confiance en soi CP ?": a skill and a class with nothing else asked is a request for a sheet.
    words = re.findall(r"\w+", folded)
    return (names_level and len(words) <= 6 and not _QUESTION_WORD.search(folded)
            and bool(skills_named(folded)))


# « tu peux me détailler la première ? », « la 2e séance c'est quoi ? »: after a progression, a session of it by its rank.
_SESSION_ASKED = re.compile(r"\b(?:la|le) (" + "|".join(_ORDINALS) + r")(?: (?:seance|fiche|activite|sequence))?\b"
                            r"|\b(?:la )?(?:seance|fiche|activite) (?:n° ?|numero )?(\d)\b")


def asked_session(question: str) -> int | None:
    """The rank of a session a short follow-up asks about (« détaille la première » → 1, « la séance 3 ? » → 3, « la
    dernière » → -1), or None. Read only after a progression was given: alone, « la première » is also a class."""
    folded = fold(question)
    if _word_count(folded) > 14 or _STEP_ASKED.search(folded):
        return None
    m = _SESSION_ASKED.search(folded)
    if m is None:
        return None
    return _ORDINALS[m.group(1)] if m.group(1) else int(m.group(2))


def asked_step(question: str) -> int | None:
    """The step of a sheet the question names by its number (« l'étape 3 », « la deuxième étape »; -1 for
    « la dernière étape »), or None."""
    m = _STEP_ASKED.search(fold(question))
    if m is None:
        return None
    return int(m.group(1)) if m.group(1) else _ORDINALS[m.group(2)]


def asks_next_session(question: str) -> bool:
    """A few words asking what comes after the sheet just shown (« et la suite ? », « je fais quoi à la séance d'après ? »)."""
    folded = fold(question)
    return _word_count(folded) <= 12 and bool(_NEXT_SESSION.search(folded.strip()))


def _word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def asks_shorter(question: str) -> bool:
    """A few words asking for the answer just given, shorter (« tu peux raccourcir ? », « en bref ? »)."""
    folded = fold(question)
    return _word_count(folded) <= 8 and bool(_SHORTER.search(folded))


def leans_on_a_turn(question: str) -> bool:
    """A few words that only make sense after an earlier answer (« et pour les plus petits ? », « et il y en a combien ? »):
    they open on « et », « mais »… and name no subject, only a class or what to ask of the subject left unsaid."""
    folded = fold(question).strip()
    if not _CONTINUES.match(folded) or _word_count(folded) > DANGLING_WORDS:
        return False
    subject = [w for w in lexical.words(folded)[1:] if not lexical.only_function_words(w) and w not in _ASKS_OF_IT
               and not levels_in_text(w)]
    return not subject


# The evaluation questions this reads are all follow-ups, asked with the turn before them (7 over the sets, « et il y en a
# combien en tout ? » the longest); « et si un élève pleure ? » and « et la colère ? » name their subject.
DANGLING_WORDS = 8
# What a few words ask of a subject they leave unsaid (« et ça marche pareil ? », « et la même chose pour des CE1 ? »).
_ASKS_OF_IT = frozenset("combien chose choses pareil pareille marche marcher adaptable adapter possible aussi idem quoi "
                        "quand comment pourquoi meme suite apres ensuite autre autres petits petites moyens moyennes "
                        "grands grandes plus section sections maternelle primaire elementaire college".split())


def is_follow_up(question: str) -> bool:
    """Short questions leaning on the previous turn ('et pour des CM2 ?', 'combien de temps dure-t-elle ?')."""
    folded = fold(question).strip()
    words = re.findall(r"\w+", folded)
    # « et avec des tout-petits de PS ça marche aussi ? qu'est-ce qu'il faut changer ? »: opening on « et », « mais »…
    # a message leans on the previous turn even when it runs on, as one pointing back (« …je peux corser pour eux ? »)
    if len(words) > (24 if _CONTINUES.match(folded) or _ANAPHOR.search(folded) else 14):
        return False
    names_level = bool(levels_in_text(question))
    # « on fait quoi à l'étape 3 ? »: in a few words, a step named by its number is one of the sheet just shown
    # « qu'est-ce que je change si j'ai que des petites sections ? »: what to change for a class, of the sheet just shown
    # « j'ai que 20 min », « c'est une vraie école ? »: a few words giving only a time, or asking about « it »
    return (bool(_FOLLOW_UP.search(folded)) or (len(words) <= 5 and names_level) or asks_shorter(question)
            or asks_next_session(question) or (len(words) <= 6 and bool(_ONLY_TIME.search(folded) or _ABOUT_IT.match(folded)))
            or (len(words) <= 8 and asked_step(question) is not None)
            or (bool(_ADAPT.search(folded)) and names_level and not skills_named(folded)))


# Emotions named one after another (« la peur, la joie, la colère ») are emotions to recognise; one of them with a verb
# of regulation (« gérer la peur et la colère ») is one to regulate.
_EMOTION = re.compile(r"\b(?:peurs?|joies?|tristesse|tristes?|colere|degout|surprise|jalousie|honte|fierte|contente?s?|heureu(?:x|se|ses))\b")
_REGULATE = re.compile(r"\b(?:ger\w+|calm\w+|regul\w+|maitris\w+|apais\w+|controle\w*|canalis\w+|exprim\w+)\b")


def skills_named(folded: str) -> tuple[str, ...]:
    """The competences a (folded) text names by one of their keywords (« colère », « coopérer »)."""
    keys = tuple(c.key for c in COMPETENCES if any(re.search(rf"\b{re.escape(k)}", folded) for k in c.keywords))
    if "reguler_emotions" in keys and len(set(_EMOTION.findall(folded))) >= 2 and not _REGULATE.search(folded):
        keys = tuple(dict.fromkeys("conscience_emotions" if k == "reguler_emotions" else k for k in keys))
    return keys


def condense(question: str, previous: str | None) -> str:
    """Extractive-mode condensation: carry the previous question's topic into a follow-up.

    A new level replaces the old one ('et pour des CM2 ?'); otherwise the follow-up is appended to the
    previous question so the retriever keeps the topic ('combien de temps dure-t-elle ?')."""
    if not previous:
        return question
    new_levels = levels_in_text(question)
    base = previous
    if new_levels:
        # The old class goes with the word that introduced it (« en maternelle », « pour des CE1 »), not leaving « en ».
        intro = r"(?:\b(?:en|pour|avec|chez|des|de|les|mes|aux|au)\s+)*"
        for pattern in (r"(?:grande|moyenne|petite)s? sections?\b", r"\b(?:PS|MS|GS|CP|CE1|CE2|CM1|CM2|[3-6]e|[3-6]ème)\b",
                        r"\bmaternelles?\b", r"\bcoll[eè]ge\b", r"\bcycle ?[1-4]\b"):
            base = re.sub(intro + pattern, " ", base, flags=re.IGNORECASE)
        base = re.sub(r"\s+", " ", base).strip(" ?")
        return f"{base} — {question.strip()}"
    return f"{previous.strip().rstrip('?')} — {question.strip()}"


def check_question(question: str, max_chars: int) -> str:
    """The question made safe to process, or QuestionRejected with a French reason.

    Control and format characters (NUL, escape sequences, zero-width and bidi marks) are dropped,
    whitespace is collapsed; a question longer than `max_chars` or with no letter or digit at all
    (only emojis or punctuation) is refused. Called first by `Assistant.ask_stream`, so the CLI, the
    UI and the API share one rule."""
    text = "".join(" " if ch.isspace() else ch for ch in question
                   if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE)
    text = " ".join(text.split())
    if len(text) > max_chars:
        raise QuestionRejected(
            f"Votre question est trop longue ({len(text)} caractères, {max_chars} au plus) : "
            "posez-la en quelques phrases, sans y coller de document."
        )
    if text and not any(ch.isalnum() for ch in text):
        raise QuestionRejected("Votre question ne contient aucun mot : écrivez-la avec des mots, par exemple "
                               "« Comment animer une séance sur les émotions en CE1 ? »")
    return text


# Unicode categories never meaningful in a question: controls (Cc), format marks (Cf: zero-width,
# bidi overrides), unassigned (Cn), private use (Co) and lone surrogates (Cs).
_INVISIBLE = frozenset({"Cc", "Cf", "Cn", "Co", "Cs"})


@dataclass(frozen=True)
class PupilNeed:
    """A particular need of a pupil a request names (« un élève en fauteuil roulant »), and the words with which a sheet
    would speak of it."""

    label: str  # how the answer names the pupil: « un élève allophone »
    asked: re.Pattern[str]  # in the folded question
    in_sheet: re.Pattern[str]  # in the folded sheet


PUPIL_NEEDS = (
    PupilNeed("un élève à mobilité réduite", re.compile(
        r"\bfauteuil roulant|\ben fauteuil\b|\bhandicap moteur|\bbequilles?\b|\bplatre\b"
        r"|\bne (?:peut|peuvent) pas (?:courir|marcher|se deplacer|sauter)"), re.compile(r"\bfauteuil|\bmobilite|\bmoteur")),
    PupilNeed("un élève allophone", re.compile(
        r"\ballophones?\b|\bupe2a\b|\b(?:primo|nouvel?)[- ]arrivants?\b|\bfle\b|\bne parlen?t? pas (?:le |un mot de |encore )?francais"
        r"|\b(?:parle|parlent|comprend|comprennent) (?:tres |encore |quasiment |a peine )?(?:peu|mal)(?: le)? francais"),
        re.compile(r"\ballophone|\bfrancais langue|\bpeu le francais")),
    PupilNeed("un élève qui lit difficilement", re.compile(
        r"\blecteurs? fragiles?|\bnon[- ]lecteurs?|\b(?:sait|savent) pas (?:encore )?lire|\bdyslexi|\bdys\b"
        r"|\bdifficultes? (?:de|en|a la) lecture|\b(?:lit|lisent) (?:mal|difficilement)"),
        re.compile(r"\blecteurs? fragiles?|\blues? par l.adulte|\bpictogramme|\bdessins?\b|\bimages?\b")),
    PupilNeed("un élève avec autisme (TSA)", re.compile(r"\btsa\b|\bautis"), re.compile(r"\bautis|\btsa\b")),
    PupilNeed("un élève avec un trouble de l'attention", re.compile(
        r"\btdah\b|\bhyperacti|\btrouble (?:de l.|d.)attention|\bne (?:tient|tiennent) pas en place"),
        re.compile(r"\bs.agite|\battention\b|\bbouger\b")),
    PupilNeed("un élève malvoyant ou malentendant", re.compile(
        r"\bmal(?:voyant|entendant)s?|\bsourds?\b|\baveugles?\b|\bappareille"), re.compile(r"\bmal(?:voyant|entendant)|\bsourd")),
    PupilNeed("un élève en situation de handicap", re.compile(
        r"\bsituation de handicap|\bhandicape|\bulis\b|\baesh\b|\bpps\b"), re.compile(r"\bhandicap|\baesh\b|\bulis\b")),
)


def pupil_needs(question: str) -> tuple[PupilNeed, ...]:
    """The particular needs of a pupil the request names (a wheelchair, a pupil who speaks little French, a weak
    reader…): an activity answer says what the sheet offers for them, or that it says nothing of them."""
    folded = fold(question)
    return tuple(n for n in PUPIL_NEEDS if n.asked.search(folded))
