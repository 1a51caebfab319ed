"""Child-safety routing: a question that reveals a child in danger or distress is answered first
with what to do and whom to call (resources checked in ../shared/facts.md §5).

Detection is deliberately conservative about false alarms: words such as 'colère', 'conflit' or
'harcèlement' alone, in a question about preparing a session, are not a child in danger; a danger
term about a child, or a disclosure ('m'a confié', 'se fait frapper'), is."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.schema import Safety
from assistant.vocabulary import fold

CHILD = r"(?:eleves?|enfants?|gamins?|petite? fille|petit garcon|fille|fils|ados?|adolescente?s?|collegiene?s?|jeunes?|camarades?|il|elle|lui|mon|ma|un de mes|une de mes)"
DISCLOSURE = (
    r"(?:m'a (?:dit|confie|raconte|avoue|revele|parle)|me (?:dit|confie|raconte|parle)|a (?:confie|revele|raconte|dit)|"
    r"(?:se fait|s'est fait|se faisait) \w+|est (?:victime|battue?|frappee?|harcelee?|maltraitee?|touchee?|insultee?|menacee?)|"
    r"subit|a des (?:bleus|marques|traces|coupures|cicatrices)|je (?:suis|me fais) (?:inquiete?|du souci)|"
    r"j'ai peur pour|je m'inquiete|que faire (?:si|quand|lorsqu)|comment reagir|qui (?:appeler|contacter|prevenir)|"
    r"quel numero|vers qui|je pense qu'(?:il|elle)|soupcon|revelation|revele)"
)


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    patterns: tuple[str, ...]  # any one, on folded text, triggers when a child or a disclosure is in the question
    strong: tuple[str, ...] = ()  # trigger on their own
    resources: tuple[str, ...] = ()
    guidance: tuple[str, ...] = ()


_STAFF = "les personnels de santé et sociaux de l'école : médecin ou infirmier·e de l'Éducation nationale, psychologue de l'EN, assistant·e de service social"
CATEGORIES: tuple[Category, ...] = (
    Category(
        "suicide", "Idées suicidaires",
        patterns=(r"\bsuicid", r"\bmourir\b", r"\bse tuer\b", r"\ben finir\b", r"\bplus envie de vivre\b", r"\bdisparaitre\b", r"\bmettre fin a ses jours\b"),
        strong=(r"\bsuicid", r"(?:veut|veux|voulait|envie de|parle de|pense a) (?:mourir|se tuer|en finir|disparaitre)", r"\bmettre fin a ses jours\b"),
        resources=("3114", "15", "112", "Fil Santé Jeunes 0 800 235 236"),
        guidance=(
            "**En cas de danger immédiat** (passage à l'acte en cours ou imminent) : appelez le **15** (SAMU) ou le **112**, et ne laissez pas l'élève seul.",
            "**3114**, numéro national de prévention du suicide : gratuit, confidentiel, 24 h/24 et 7 j/7 ; il répond aussi aux **professionnels** inquiets pour une personne.",
            f"Informez sans attendre le directeur ou le chef d'établissement et {_STAFF}.",
            "Pour un jeune de 12 à 25 ans qui veut parler anonymement : **Fil Santé Jeunes, 0 800 235 236** (gratuit, anonyme, 7 j/7 de 9 h à 23 h).",
        ),
    ),
    Category(
        "automutilation", "Automutilation",
        patterns=(r"\bscarif", r"\bse (?:coupe|blesse|brule|griffe|mutile) (?:volontairement|expres|les bras|les poignets)", r"\bautomutil", r"\bse fait du mal\b", r"\bse faire du mal\b"),
        strong=(r"\bscarif", r"\bautomutil", r"\bse (?:coupe|blesse|brule) (?:volontairement|expres|les bras|les poignets)"),
        resources=("3114", "15", "Fil Santé Jeunes 0 800 235 236"),
        guidance=(
            "Accueillez sans juger ni exiger de voir les blessures ; ne promettez pas le secret.",
            f"Informez le directeur ou le chef d'établissement et {_STAFF}, qui organiseront la prise en charge.",
            "**3114** (prévention du suicide, 24 h/24, 7 j/7, aussi pour les professionnels) ; en cas d'urgence vitale, **15** ou **112**.",
            "Pour le jeune (12-25 ans) : **Fil Santé Jeunes, 0 800 235 236**, gratuit et anonyme, 7 j/7 de 9 h à 23 h.",
        ),
    ),
    Category(
        "violences_sexuelles", "Violences sexuelles",
        patterns=(r"\battouchement", r"\babus sexuel", r"\bagression sexuelle", r"\bviol(?:e|ee|ence sexuelle)?s?\b", r"\binceste", r"\bparties intimes\b", r"\bexhib", r"\bpedocrimin", r"\bpedophil", r"\btouche (?:ses|les) (?:parties|fesses|seins|sexe)"),
        strong=(r"\battouchement", r"\babus sexuel", r"\bagression sexuelle", r"\binceste", r"\bpedocrimin", r"\bpedophil"),
        resources=("119", "17", "112"),
        guidance=(
            "Écoutez l'enfant sans le questionner ni mettre en doute sa parole ; notez ses mots exacts ; ne promettez pas le secret.",
            "Ne restez pas seul : informez immédiatement le directeur ou le chef d'établissement. Face à un danger grave, un **signalement** est adressé au **procureur de la République** (tout fonctionnaire qui a connaissance d'un crime ou d'un délit doit en aviser le procureur, article 40 du code de procédure pénale).",
            "**119 – Allô Enfance en danger** : gratuit, 24 h/24, 7 j/7, pour l'enfant comme pour l'adulte qui s'inquiète.",
            "**Danger immédiat** : **17** (police-gendarmerie) ou **112**.",
        ),
    ),
    Category(
        "harcelement", "Harcèlement et cyberharcèlement",
        patterns=(r"\bharcel", r"\bcyberharcel", r"\bcyber-harcel", r"\bmoque(?:rie)?s? (?:tous les jours|sans arret|en permanence)", r"\bbouc emissaire\b", r"\b(?:photos?|videos?) (?:qui circulen?t|intimes?)", r"\binsult\w* sur (?:les reseaux|snap|instagram|tiktok|whatsapp)", r"\brackett"),
        strong=(r"\b(?:est|se fait|se faisait|a ete|serait) (?:cyber)?harcel", r"\bvictime de (?:cyber)?harcel", r"\bcyberharcel\w* (?:par|sur)", r"\brackett"),
        resources=("3018", "119"),
        guidance=(
            "**3018** : numéro national unique contre le harcèlement à l'école et le cyberharcèlement (gratuit, anonyme, confidentiel, 7 j/7 de 9 h à 23 h ; tchat sur 3018.fr et application). Il peut faire retirer rapidement des contenus en ligne. L'ancien 3020 est appelé à disparaître au profit du 3018.",
            "Protégez l'élève, informez le directeur ou le chef d'établissement, qui applique le protocole de l'école ; associez les personnels de santé et sociaux.",
            "Si l'enfant est en danger au-delà du harcèlement : **119 – Allô Enfance en danger** (24 h/24, 7 j/7).",
        ),
    ),
    Category(
        "violences", "Violences et maltraitance",
        patterns=(r"\bmaltrait", r"\bbattue?s?\b", r"\b(?:se fait|s'est fait|est|a ete|serait) (?:frappee?|battue?|tapee?|gifflee?|giflee?|secouee?|brulee?|enfermee?)", r"\b(?:recoit|a recu|prend) des coups\b", r"\bviolences?\b", r"\bgifl", r"\bnegligen", r"\benfant en danger\b", r"\benfance en danger\b", r"\bsecoue"),
        strong=(r"\bmaltrait", r"\benfant en danger\b", r"(?:papa|maman|pere|mere|parents?|beau-pere|belle-mere|frere|oncle) (?:le|la|les|l')? ?(?:frappe|bat|tape|gifle)", r"\bviolences? (?:a la maison|conjugales|familiales|intrafamiliales)"),
        resources=("119", "17", "112", "15"),
        guidance=(
            "Écoutez l'enfant calmement, sans le questionner ni promettre le secret ; notez ses mots exacts.",
            "Ne restez pas seul : parlez-en au directeur ou au chef d'établissement. Une **information préoccupante** est transmise à la cellule départementale (CRIP) selon le protocole du département ; si le danger est grave ou imminent, un **signalement** est adressé au **procureur de la République**.",
            "**119 – Allô Enfance en danger** : gratuit, 24 h/24, 7 j/7, pour tout adulte inquiet pour un enfant.",
            "**Danger grave et immédiat** : **17** (police-gendarmerie), **112**, **15** (SAMU).",
        ),
    ),
    Category(
        "mal_etre", "Mal-être et détresse",
        patterns=(r"\bdetresse\b", r"\bmal[- ]etre\b", r"\bdepressi", r"\bpleure (?:tout le temps|tous les jours|sans arret)", r"\bne mange plus\b", r"\bne dort plus\b", r"\bphobie scolaire\b", r"\bangoisse (?:tout le temps|terrible)"),
        strong=(r"\b(?:en|grande) detresse\b", r"\bdepressi",),
        resources=("Fil Santé Jeunes 0 800 235 236", "3114", "119"),
        guidance=(
            f"Parlez-en à l'équipe et aux personnels ressources : {_STAFF}.",
            "Pour un jeune de 12 à 25 ans : **Fil Santé Jeunes, 0 800 235 236** (gratuit, anonyme, 7 j/7 de 9 h à 23 h).",
            "Si le mal-être s'accompagne d'idées de mort : **3114** (24 h/24, 7 j/7) ; si l'enfant semble en danger : **119**.",
        ),
    ),
)

# A question about preparing teaching material is not, by itself, a child in danger.
_PEDAGOGY = re.compile(r"\b(seances?|activites?|ateliers?|sequences?|prevenir|prevention|sensibiliser|aborder le (?:theme|sujet)|parler (?:du|de la|des)|fiche|progression|cadre|programme|definition)\b")


def detect(question: str) -> Category | None:
    """The safety category a question reveals, or None."""
    text = fold(question)
    has_child = re.search(rf"\b{CHILD}\b", text) is not None
    has_disclosure = re.search(DISCLOSURE, text) is not None
    pedagogical = _PEDAGOGY.search(text) is not None
    for category in CATEGORIES:
        if any(re.search(p, text) for p in category.strong):
            if not pedagogical or has_disclosure:
                return category
        if any(re.search(p, text) for p in category.patterns):
            if has_disclosure or (has_child and not pedagogical):
                return category
    return None


def safety_for(category: Category) -> Safety:
    return Safety(category=category.key, label=category.label, resources=list(category.resources))


def safety_block(category: Category) -> str:
    """The French 'what to do' block that leads the answer."""
    lines = [f"### ⚠️ {category.label} : que faire maintenant", ""]
    lines += [f"- {g}" for g in category.guidance]
    lines += ["", "Ces repères valent avant toute activité : la sécurité de l'enfant passe en premier."]
    return "\n".join(lines)
