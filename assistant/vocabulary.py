"""The programme's controlled vocabulary: school levels, cycles, document types and the CPS of
Santé publique France (2022), with the normalisation shared by ingestion, filters and queries."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

DOC_TYPES: dict[str, str] = {
    "seance": "Fiche séance",
    "guide": "Guide",
    "evaluation": "Évaluation",
    "retour_experience": "Retour d'expérience",
    "presentation": "Présentation",
    "autre": "Autre",
}

# Words written elided before a vowel (« l'école », « qu'il », « jusqu'à »), as a regex alternation.
ELIDABLE = r"[cdjlmnst]|qu|jusqu|lorsqu|puisqu"

# Classes in school order, with their cycle.
CLASSES: dict[str, int] = {
    "PS": 1, "MS": 1, "GS": 1,
    "CP": 2, "CE1": 2, "CE2": 2,
    "CM1": 3, "CM2": 3, "6e": 3,
    "5e": 4, "4e": 4, "3e": 4,
}
CYCLE_LABELS: dict[int, str] = {
    1: "Cycle 1 (maternelle)",
    2: "Cycle 2 (CP-CE2)",
    3: "Cycle 3 (CM1-6e)",
    4: "Cycle 4 (5e-3e)",
}


@dataclass(frozen=True)
class Competence:
    key: str
    label: str
    category: str  # cognitive | emotionnelle | sociale
    keywords: tuple[str, ...]  # words that, in a text, point at this competence


COMPETENCES: tuple[Competence, ...] = (
    Competence("conscience_de_soi", "Avoir conscience de soi", "cognitive",
               ("conscience de soi", "connaissance de soi", "estime de soi", "confiance en soi", "confiance en eux",
                "confiance en elle", "confiance en lui", "auto-evaluation positive", "qualites", "forces")),
    Competence("maitrise_de_soi", "Capacité de maîtrise de soi", "cognitive",
               ("maitrise de soi", "impulsion", "impulsivite", "se fixer un but", "atteindre ses buts", "autocontrole", "concentr",
                "distraction", "distrai")),
    Competence("decisions_constructives", "Prendre des décisions constructives", "cognitive",
               ("decision", "choix responsable", "resoudre des problemes", "resolution de probleme", "pensee critique", "esprit critique")),
    Competence("conscience_emotions", "Avoir conscience de ses émotions et de son stress", "emotionnelle",
               ("identifier ses emotions", "reconnaitre les emotions", "nommer ses emotions", "conscience de ses emotions", "vocabulaire des emotions", "meteo des emotions")),
    Competence("reguler_emotions", "Réguler ses émotions", "emotionnelle",
               ("reguler ses emotions", "gerer ses emotions", "gestion des emotions", "colere", "exprimer ses emotions")),
    Competence("gerer_stress", "Gérer son stress", "emotionnelle",
               ("stress", "relaxation", "respiration", "anxiete", "anxieu", "angoiss", "coping", "detente", "relacher la pression")),
    Competence("communiquer", "Communiquer de façon constructive", "sociale",
               ("communiquer", "communication", "ecoute", "message clair", "empathie", "ecoute empathique")),
    Competence("relations_constructives", "Développer des relations constructives", "sociale",
               ("relations constructives", "cooperation", "cooperer", "entraide", "liens sociaux", "prosocial", "vivre ensemble")),
    Competence("resoudre_difficultes", "Résoudre des difficultés", "sociale",
               ("demander de l'aide", "assertivite", "savoir dire non", "refus", "conflit", "mediation", "pression du groupe")),
)
COMPETENCE_BY_KEY = {c.key: c for c in COMPETENCES}


def fold(text: str) -> str:
    """Lower-case and strip accents: the comparison form used for vocabulary matching."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("’", "'")


def competence_from_label(label: str) -> Competence | None:
    """Map a free-text competence label (front matter, sheet header) to a general competence."""
    folded = fold(label).strip(" .;:-")
    for comp in COMPETENCES:
        if folded == fold(comp.label) or folded == comp.key:
            return comp
    for comp in COMPETENCES:  # a longer label that contains the canonical one
        if fold(comp.label) in folded:
            return comp
    for comp in COMPETENCES:
        if any(kw in folded for kw in comp.keywords):
            return comp
    return None


# « le quatrième volume », « la troisième », « au 3e trimestre »: an ordinal, not a class (« en quatrième », « mes 4e »,
# « la 4e B » are classes).
_NOT_ORDINAL = r"(?<!\ble )(?<!\bla )(?<!\bl')(?<!\bun )(?<!\bune )(?<!\bau )(?<!\bdu )(?<!\bce )(?<!\bcette )"
_NO_ORDINAL_NOUN = (r"(?!\s+(?:volumes?|parties?|fois|seances?|etapes?|periodes?|trimestres?|editions?|jours?|semaines?|"
                    r"chapitres?|kits?|modules?|ateliers?|temps|phases?|rangs?|places?|annees?|mois)\b)")
# Level expressions found in questions and documents, longest first so "grande section" wins over "section".
_LEVEL_PATTERNS: list[tuple[str, tuple[str, ...]]] = [
    # « mes moyens section », « petits section »: the agreement is often lost when typed
    (r"petite?s?[- ]sections?", ("PS",)),
    (r"moyen(?:ne)?s?[- ]sections?", ("MS",)),
    (r"grande?s?[- ]sections?", ("GS",)),
    (r"maternelles?", ("PS", "MS", "GS")),
    (r"\bcp\b", ("CP",)),
    (r"\bce ?1\b", ("CE1",)),
    (r"\bce ?2\b", ("CE2",)),
    (r"\bcm ?1\b", ("CM1",)),
    (r"\bcm ?2\b", ("CM2",)),
    (r"(?:\b6 ?(?:e|eme|ème)\b|" + _NOT_ORDINAL + r"\bsixiemes?\b)" + _NO_ORDINAL_NOUN, ("6e",)),
    (r"(?:\b5 ?(?:e|eme|ème)\b|" + _NOT_ORDINAL + r"\bcinquiemes?\b)" + _NO_ORDINAL_NOUN, ("5e",)),
    (r"(?:\b4 ?(?:e|eme|ème)\b|" + _NOT_ORDINAL + r"\bquatriemes?\b)" + _NO_ORDINAL_NOUN, ("4e",)),
    (r"(?:\b3 ?(?:e|eme|ème)\b|" + _NOT_ORDINAL + r"\btroisiemes?\b)" + _NO_ORDINAL_NOUN, ("3e",)),
    (r"\bcollegiens?\b|\bcolleges?\b", ("6e", "5e", "4e", "3e")),
    (r"\belementaires?\b", ("CP", "CE1", "CE2", "CM1", "CM2")),
    (r"\bcycle ?1\b", ("PS", "MS", "GS")),
    (r"\bcycle ?2\b", ("CP", "CE1", "CE2")),
    (r"\bcycle ?3\b", ("CM1", "CM2", "6e")),
    (r"\bcycle ?4\b", ("5e", "4e", "3e")),
]


# Children described by their age (« ma fille de 9 ans », « des enfants de 8 à 10 ans », « élèves de 6-7 ans »): the class
# most children of that age are in; « les tout-petits » are the youngest section.
_AGE_CLASS = {2: "PS", 3: "PS", 4: "MS", 5: "GS", 6: "CP", 7: "CE1", 8: "CE2", 9: "CM1", 10: "CM2", 11: "6e", 12: "5e",
              13: "4e", 14: "3e"}
_CHILDREN_OF_AGE = re.compile(r"\b(?:enfants?|eleves?|filles?|fillettes?|fils|garcons?|gamins?|gamines?|petits?|petites?|jeunes"
                              r"|ados?|adolescents?|adolescentes?|neveux?|nieces?|loulous?|bambins?|public)"
                              r"\s+(?:de|d'environ|d'|ages? de|agees? de)\s*(\d{1,2})(?:\s*(?:a|-|et|ou)\s*(\d{1,2}))?\s*ans\b")
_TOUT_PETITS = re.compile(r"\btout[- ]petits?\b")


def classes_of_ages(folded: str) -> list[tuple[str, ...]]:
    """The classes of the children a folded text describes by their age, one tuple per mention (a lycée age, 15 and
    over, names none of the grid's classes)."""
    mentions = []
    for match in _CHILDREN_OF_AGE.finditer(folded):
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) else low
        classes = tuple(dict.fromkeys(_AGE_CLASS[a] for a in range(low, high + 1) if a in _AGE_CLASS))
        if classes and high - low <= 6:
            mentions.append(classes)
    if _TOUT_PETITS.search(folded):
        mentions.append(("PS",))
    return mentions


_LOWER_SECTION = re.compile(r"\b(?:en|de|des|mes|nos|les|aux|pour|avec|classe de|section de"
                            r"|activites?|seances?|ateliers?|jeux?|eleves|enfants)\s+(ps|ms|gs)\b(?!\s+word)(?:\s*[-/]\s*(ps|ms|gs)\b)?"
                            r"|\b(ps|ms|gs)\s*[-/ ]\s*(ps|ms|gs)\b|^\W*(ms|gs)\s*[,:]"
                            # « gs ils veulent tous etre le chef… »: a section opening the message, then who does what
                            r"|^\W*(ps|ms|gs)\s+(?=(?:ils|elles|on|mes)\b)"
                            # « gs 25 eleves : … », « une ps de 28 enfants »: a section counted in pupils
                            r"|\b(ps|ms|gs)\s+(?:de\s+)?\d+\s*(?:eleves|enfants|petits)\b")
_MORE_SECTIONS = re.compile(r"(?:,|\bet|\bou)\s+(ps|ms|gs)\b")


# The lycée: classes the level grid (CLASSES) does not hold, so a sheet cannot be tagged for them.
# « seconde », « première », « terminale » name a class only as a class is named: after « en », « mes »…, and not
# before a noun (« mes premières séances », « en seconde partie », « de première nécessité »).
_LYCEE = re.compile(r"\blycee\w*|\blyceen\w*|\b2nde\b"
                    r"|\b(?:en|de|des|mes|nos|aux|classe de|eleves de) (?:seconde|premiere|1ere|terminale)s?"
                    r"(?=\s*(?:[,.;:!?)]|$|(?:generale|pro|professionnelle|technologique|au lycee|bac|ils|elles|on|je|nous|vous|"
                    r"c'est|ca)\b|j'))")


def names_lycee(text: str) -> bool:
    """Whether a text names a lycée class (« mes secondes », « en terminale », « au lycée »)."""
    return bool(_LYCEE.search(fold(text)))


# A stage named as where the pupils are going (« ils ont peur d'aller au collège », « avant l'entrée au collège »).
_DESTINATION = re.compile(r"\b((?:aller|vont|va|passer|passage|entrer|entree|rentrer|arriver|arrivee|partir|depart|monter)"
                          r"\s+(?:au|en|a l'|a la|dans l'|dans le|vers le)\s*)(?:colleges?|elementaires?)\b")


def levels_in_text(text: str) -> list[str]:
    """Classes named in a text ('CE1', 'grande section', 'collège', 'cycle 3'…), in school order."""
    folded = fold(text)
    found: set[str] = set()
    # (classes, whether the mention only names where the pupils are going)
    broad_mentions: list[tuple[tuple[str, ...], bool]] = []
    staying = _DESTINATION.sub(r"\1", folded)
    for pattern, classes in _LEVEL_PATTERNS:
        if re.search(pattern, folded):
            if len(classes) > 1:
                broad_mentions.append((classes, not re.search(pattern, staying)))
            else:
                found.update(classes)
    # PS/MS/GS as bare abbreviations in upper case in the original (avoid 'ps' in words), in lower case only
    # where a class is expected (« en gs », « mes ms », « ms-gs », « activite gs pour… », « gs: ils tapent », « gs 25 eleves »
    # — not « ps: », a postscript).
    for match in re.finditer(r"\b(PS|MS|GS)\b", text):
        found.add(match.group(1))
    lower = [g for match in _LOWER_SECTION.finditer(folded) for g in match.groups() if g]
    if lower:  # « en ps, ms et gs »: the sections listed after the first one
        lower += _MORE_SECTIONS.findall(folded)
    found.update(g.upper() for g in lower)
    # An age (« ma fille de 9 ans ») counts as a broad mention: « mes CE2 (8-9 ans) » are CE2.
    broad_mentions += [(classes, False) for classes in classes_of_ages(folded)]
    # "CM1, CM2 (cycle 3)", « infirmière en collège… avec des 3e »: the named classes are the precise answer; a cycle
    # or a stage (maternelle, élémentaire, collège) counts only when none of its classes is named, and a stage the
    # pupils are going to only when no class is (« mes CM2 ont peur d'aller au collège » are CM2).
    named = set(found)
    for classes, destination in broad_mentions:
        if not named & set(classes) and not (destination and named):
            found.update(classes)
    return sorted(found, key=list(CLASSES).index)


def normalise_levels(values: list[str] | str | None) -> list[str]:
    """Front-matter levels (classes, cycles or prose) to the sorted list of classes."""
    if not values:
        return []
    items = [values] if isinstance(values, str) else [str(v) for v in values]
    found: set[str] = set()
    for item in items:
        if item in CLASSES:
            found.add(item)
            continue
        found.update(levels_in_text(item))
    return sorted(found, key=list(CLASSES).index)


def cycles_of(levels: list[str]) -> list[int]:
    """The cycles covered by a list of classes."""
    return sorted({CLASSES[level] for level in levels if level in CLASSES})
