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
        patterns=(r"\bsuicid", r"\bmourir\b", r"\b(?:se|me|te) tuer\b", r"\ben finir\b", r"\bplus envie de vivre\b", r"\bdisparaitre\b",
                  r"\bmettre fin a ses jours\b", r"\bn'en peu[xt] plus\b", r"\b(?:serai|sera|serais|serait) plus la\b",
                  r"\bchangera rien pour personne\b", r"\bpersonne ne (?:m'aime|l'aime|me regrettera|le regrettera|la regrettera)\b",
                  r"\b(?:je|il|elle) (?:ne )?(?:sers?|sert) a rien\b", r"\bmieux sans (?:moi|lui|elle)\b"),
        strong=(r"\bsuicid", r"(?:veut|veux|voulait|voudrait|voudrais|envie de|parle de|pense a) (?:mourir|se tuer|me tuer|en finir|disparaitre)", r"\bmettre fin a ses jours\b"),
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
        patterns=(r"\bscarif", r"\bse (?:coupe|blesse|brule|griffe|mutile|mord|tape la tete)\b", r"\bautomutil", r"\bse fait du mal\b", r"\bse faire du mal\b",
                  r"\b(?:coupures?|entailles?|griffures?|cicatrices?|brulures?)\b.{0,40}\b(?:bras|avant-bras|poignets?|cuisses?|jambes?)\b"),
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
        patterns=(r"\battouchement", r"\babus sexuel", r"\bagression sexuelle", r"\bviol(?:e|ee|ence sexuelle)?s?\b", r"\binceste", r"\bparties intimes\b", r"\bexhib", r"\bpedocrimin", r"\bpedophil",
                  r"\btouche (?:ses|les|sa|son) (?:parties|fesses|seins|sexe|zizi|zezette)", r"\blui fait des choses\b", r"\b(?:enlever|retirer|ote[rz]?) (?:ses|son|sa) (?:habits|vetements|culotte|slip|pantalon)",
                  r"\bse deshabiller\b", r"\b(?:videos?|films?|images?|photos?) (?:de grands|porno\w*|x\b|cochonnes?)", r"\bpornograph", r"\b(?:photos?|videos?) (?:d'(?:elle|lui) )?(?:denudee?s?|nue?s?|intimes?)\b", r"\bsextorsion", r"\bnude",
                  r"\b(?:le|la|se|les|lui) (?:toucher|caresser)\b", r"\b(?:garder|c'est) (?:un|notre|leur) secret\b"),
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
        patterns=(r"\bharc[eè]?l", r"\bcyberharcel", r"\bcyber-harcel", r"\bmoque(?:rie)?s? (?:tous les jours|sans arret|en permanence)", r"\bbouc emissaire\b",
                  r"\bcirculen?t\b", r"\binsult\w* sur (?:les reseaux|snap|instagram|tiktok|whatsapp)", r"\brackett",
                  r"\bse fait (?:insulter|bousculer|frapper|taper|racketter|moquer|exclure|traiter|menacer|humilier)", r"\b(?:l|la|le|les|lui)'?\s?(?:insultent|menacent|rackettent|excluent|humilient|bousculent|harcelent)\b",
                  r"\b(?:prennent|volent|piquent|cassent) (?:son|sa|ses)\b", r"\bempechent de jouer\b", r"\bcommentaires? (?:horribles|mechants|insultants|humiliants)",
                  r"\bmenace de (?:diffuser|publier|montrer|envoyer)\b", r"\b(?:diffuser|publier|partager) (?:une|des|sa|ses) (?:photos?|videos?)"),
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
        patterns=(r"\bmaltrait", r"\bbattue?s?\b", r"\b(?:se fait|s'est fait|est|a ete|serait) (?:frappee?|battue?|tapee?|gifflee?|giflee?|secouee?|brulee?|enfermee?)", r"\b(?:recoit|a recu|prend) des coups\b",
                  r"\bviolences?\b", r"\bgifl", r"\bnegligen", r"\benfant en danger\b", r"\benfance en danger\b", r"\bsecoue",
                  r"\b(?:bleus|hematomes?|marques|traces de coups|brulures?)\b", r"\bpeur (?:de rentrer|d'y retourner|de retourner|de son (?:pere|beau-pere)|de sa (?:mere|belle-mere)|de ses parents)",
                  r"\brefuse de rentrer\b", r"\bva (?:le|la|l'|les) (?:frapper|taper|battre|tuer)\b", r"\bquand (?:il|elle) se fache\b",
                  r"\b(?:papa|maman|pere|mere|parents?|beau-pere|belle-mere|oncle|tante|frere|soeur|grand-pere|nounou|adulte)\s+(?:le |la |les |l'|lui )?(?:tape|frappe|bat|gifle|cogne|secoue|enferme)\b",
                  # neglect
                  r"\blaissee?s? seule?s? (?:toute la nuit|la nuit|le soir|des jours|plusieurs jours|a la maison)", r"\b(?:affamee?|sans manger|ne mange pas a sa faim|n'a pas mange)\b",
                  r"\bpersonne ne s'occupe (?:de lui|d'elle)\b", r"\barrive (?:sale|affamee?|sans manteau)\b"),
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
        patterns=(r"\bdetresse\b", r"\bmal[- ]etre\b", r"\bdepressi", r"\bpleure (?:tout le temps|tous les (?:jours|soirs)|sans arret)", r"\bne (?:mange|dort|sort|parle) plus\b",
                  r"\bs'isole\b", r"\beteinte?\b", r"\bphobie scolaire\b", r"\bangoisse (?:tout le temps|terrible)", r"\b(?:il|elle) (?:dit qu'(?:il|elle) )?est nulle?\b",
                  r"\bn'a (?:plus |pas |aucun )?(?:d')?amis?\b", r"\brefuse de (?:m'en |en )?parler\b"),
        strong=(r"\b(?:en|grande) detresse\b", r"\bdepressi",),
        resources=("Fil Santé Jeunes 0 800 235 236", "3114", "119"),
        guidance=(
            f"Parlez-en à l'équipe et aux personnels ressources : {_STAFF}.",
            "Pour un jeune de 12 à 25 ans : **Fil Santé Jeunes, 0 800 235 236** (gratuit, anonyme, 7 j/7 de 9 h à 23 h).",
            "Si le mal-être s'accompagne d'idées de mort : **3114** (24 h/24, 7 j/7) ; si l'enfant semble en danger : **119**.",
        ),
    ),
)

# What makes a question about a real child's situation rather than about preparing a lesson or
# looking up a figure: each family counts once.
_SITUATION: tuple[str, ...] = (
    # a particular child
    r"\b(?:mon|ma|mes) (?:eleves?|fils|fille|enfants?|petite?|ados?|collegiene?)\b|\bun(?:e)? de mes\b|\bdans ma classe\b|\bje suis (?:la|le) (?:maman|papa|mere|pere)\b"
    r"|\b(?:un|une) (?:eleve|garcon|fille|enfant|petite?|ado\w*|collegien\w*) de (?:\d+ ans|ps|ms|gs|cp|ce1|ce2|cm1|cm2|6e|5e|4e|3e|ma classe)\b",
    # a disclosure or an observation
    r"\b(?:m'a|nous a|lui a|m'ont) (?:dit|confie|raconte|avoue|revele|montre|ecrit|parle)\b|\bj'ai (?:remarque|vu|trouve|constate|appris|entendu|recu)\b"
    r"|\b(?:est )?venue? me (?:dire|voir|parler)\b|\bme (?:dit|confie|raconte)\b|\ba (?:dit|ecrit|glisse|confie) (?:devant|que|qu')",
    # now, or over time
    r"\b(?:ce matin|hier|ce soir|cet apres-midi|aujourd'hui|en fin de journee|depuis (?:janvier|fevrier|mars|avril|mai|juin|septembre|octobre|novembre|decembre|la rentree|quelques|plusieurs|des|deux|trois|un mois|une semaine)|tous les (?:soirs|jours|matins)|un week-end sur deux|en ce moment)\b",
    # distress
    r"\b(?:pleure|tremble|effondree?|terrorisee?|a peur|n'ose plus|ne veut plus (?:venir|aller)|mal au ventre|sous le choc|paniquee?)\b",
    # asking for help
    r"\b(?:que (?:dois-je|faire)|qu'est-ce que je (?:dois )?(?:fais|faire)|je fais quoi|comment (?:je )?(?:reagi[rs]|l'aider|la proteger|le proteger|agir)|qui (?:je peux |puis-je |dois-je )?(?:appeler|contacter|prevenir)|(?:il y a|existe-t-il|il existe) un numero|quel numero|vers qui|je dois m'inquieter)\b",
)
# Questions about teaching material, figures or the resources themselves.
_GENERAL = re.compile(
    r"\b(?:en france|pourcentage|statistiques?|chiffres?|enquetes?|selon les|marche encore|existe encore|toujours en service"
    r"|seances?|activites?|ateliers?|sequences?|prevenir|prevention|sensibiliser|aborder|parler (?:du|de la|des)|fiche|progression|programme|mediation)\b"
)


def detect_all(question: str) -> list[Category]:
    """Every safety category the question reveals, most urgent first (empty when none)."""
    text = fold(question)
    situation = sum(1 for family in _SITUATION if re.search(family, text))
    general = _GENERAL.search(text) is not None
    found: list[Category] = []
    for category in CATEGORIES:
        strong = any(re.search(p, text) for p in category.strong)
        weak = strong or any(re.search(p, text) for p in category.patterns)
        if not weak:
            continue
        # Two signs of a real situation always count; one counts unless the question is about
        # material or figures; a strong danger term needs at least one.
        if situation >= 2 or (situation == 1 and (strong or not general)):
            found.append(category)
    return found


def detect(question: str) -> Category | None:
    """The most urgent safety category a question reveals, or None."""
    found = detect_all(question)
    return found[0] if found else None


def safety_for(categories: list[Category]) -> Safety:
    """The answer's safety field: the most urgent category, and every resource the block gives."""
    resources = list(dict.fromkeys(r for c in categories for r in c.resources))
    return Safety(category=categories[0].key, label=categories[0].label, resources=resources)


def safety_block(categories: list[Category]) -> str:
    """The French 'what to do' block that leads the answer: the most urgent category's guidance, then
    the resources of any other category the question also reveals."""
    category = categories[0]
    lines = [f"### ⚠️ {category.label} : que faire maintenant", ""]
    lines += [f"- {g}" for g in category.guidance]
    for other in categories[1:]:
        extra = [g for g in other.guidance if any(r.split()[-1] in g for r in other.resources if r not in category.resources)]
        if extra:
            lines += ["", f"**{other.label}** :"] + [f"- {g}" for g in extra]
    lines += ["", "Ces repères valent avant toute activité : la sécurité de l'enfant passe en premier."]
    return "\n".join(lines)
