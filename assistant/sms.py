"""French chat and SMS abbreviations spelled out before a question is searched.

Teachers type « activité pr des PS qui tapent qd ils sont frustrés », « ya bcp d'embrouilles, qqch pour… ». Read
as words, « pr », « qd », « bcp » are terms the library never uses: the answer then warns that the documents do not
contain « qd », and abstention counts them as unknown nouns and may decline. Spelled out they are stop words or
ordinary words. The list (keys accent-folded) holds common abbreviations of written French chat that are neither
French words nor words the bundled library uses (« récré », « exo » are; « vs » is also « versus »: left out);
pleasantries (« stp », « slt ») and fillers whose words would match any passage (« qqch », « bcp », « jsp ») become
nothing. Shortened words of school talk that the bundled library writes in full are spelled out too (« l'eval », « le
prog », « les profs » → « les enseignants », its word; « combien de profs ? » then asks a count of what it counts).
A question is searched with them spelled out.
"""

from __future__ import annotations

import re

from assistant.vocabulary import ELIDABLE, fold

ABBREVIATIONS: dict[str, str] = {
    "pr": "pour", "pk": "pourquoi", "pq": "pourquoi", "qd": "quand", "kan": "quand", "bcp": "",
    "qqch": "", "qqc": "", "qqn": "quelqu'un", "qq": "quelques", "ya": "il y a",
    "yen": "il y en", "tt": "tout", "tte": "toute", "tts": "tous", "ttes": "toutes", "tjs": "toujours",
    "tjrs": "toujours", "tjr": "toujours", "ds": "dans", "dc": "donc", "cb": "combien", "cmb": "combien",
    "pb": "problème", "pbs": "problèmes", "pbm": "problème", "ac": "avec", "avc": "avec", "ns": "nous",
    "jsp": "", "chui": "je suis", "chuis": "je suis", "jsuis": "je suis", "jveux": "je veux",
    "jpeux": "je peux", "jsais": "je sais", "jai": "j'ai", "jaime": "j'aime", "ke": "que", "koi": "quoi", "ki": "qui", "kel": "quel", "kels": "quels", "kelle": "quelle",
    "kelles": "quelles", "kom": "comment",
    "komen": "comment", "cmt": "comment", "bi1": "bien", "tps": "temps", "rdv": "rendez-vous", "auj": "aujourd'hui", "ajd": "aujourd'hui",
    "vrmt": "", "ptit": "petit", "ptite": "petite", "ptits": "petits", "ptites": "petites",
    "dsl": "désolé", "tkt": "", "dispo": "disponible", "dispos": "disponibles", "nn": "non",
    "mtn": "maintenant", "jms": "jamais", "svt": "souvent", "bjr": "", "bsr": "", "slt": "", "stp": "",
    "svp": "", "ptdr": "", "lol": "", "eval": "évaluation", "evals": "évaluations", "prog": "programme",
    "progs": "programmes", "prof": "enseignant", "profs": "enseignants", "instit": "enseignant", "instits": "enseignants",
    # Familiar words of school talk (« mes 3e flippent pour l'oral », « les gamins s'engueulent ») that the library
    # writes otherwise: read as nouns it never uses, they made abstention decline a request it answers.
    "flippe": "a peur", "flippent": "ont peur", "flipper": "avoir peur", "flippes": "stressés", "flippee": "stressée",
    "flippees": "stressées", "matos": "matériel", "gamin": "enfant", "gamins": "enfants",
    "gamine": "enfant", "gamines": "enfants", "gosse": "enfant", "gosses": "enfants", "mome": "enfant", "momes": "enfants",
    "chiale": "pleure", "chialent": "pleurent", "chialer": "pleurer", "engueule": "dispute", "engueulent": "disputent",
    "engueuler": "disputer", "engueulade": "dispute", "engueulades": "disputes", "castagnent": "battent",
    "bastonnent": "battent", "clash": "dispute", "clashs": "disputes", "clashe": "dispute", "clashent": "disputent",
    "clasher": "disputer",  # « mes 5e se clashent sur le groupe » was searched as « se classent »
    # Apps named for what they are (« le groupe snap de la classe », « leur image sur insta »): the library writes
    # « messagerie » and « réseaux sociaux ».
    "snap": "messagerie", "snapchat": "messagerie", "whatsapp": "messagerie", "discord": "messagerie",
    "insta": "réseaux sociaux", "instagram": "réseaux sociaux", "tiktok": "réseaux sociaux",
    "tel": "téléphone", "tels": "téléphones", "smartphone": "téléphone", "smartphones": "téléphones",
    # Clipped words of the profession (« une anim péda pour les PE de ma circo », « le dirlo », « le périsco »): found on
    # fresh7, where « peda » and « circo » were read as words the library never uses and the question was declined.
    "peda": "pédagogique", "anim": "animation", "anims": "animations", "circo": "circonscription",
    "circos": "circonscriptions", "dirlo": "directeur", "dirlos": "directeurs", "dirlette": "directrice",
    "perisco": "périscolaire", "doc": "document", "docs": "documents",
}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# « c quoi », « c pas grave », « c koi » : a lone lower-case « c » before the words that follow « c'est » in chat
# (not « a, b, c et d », not vitamin « C » inside a sentence).
_C_EST = re.compile(r"(?:(?<![\w'’])c|^C) (?=(?:quoi|koi|qui|ki|quand|qd|comment|combien|cb|où|ou|pas|bien|normal|grave"
                    r"|obligatoire|vrai|possible|mieux|quel|quelle|quels|quelles|pour|pr|trop|un|une)\b)")


# « combien d ecoles », « l ecole », « j ai », « qu il »: an elision typed with a space instead of the apostrophe. Read as
# written, « d ecoles » is no count asked and « j ai » no first person. A lone lower-case letter (a capital only where a
# sentence starts: « C est », « J ai ») before a word opening on a vowel or a mute h is an elided word.
_SPACED_ELISION = re.compile(rf"(?:(?<![\w'’])(?:{ELIDABLE})|(?:^|(?<=[.!?]\s))(?:[CDJLMNST]|Qu)) "
                             r"(?=[aeiouyhàâäéèêëîïôöûùü])")


def restore_elisions(text: str) -> str:
    """« combien d ecoles » → « combien d'ecoles »: the apostrophes of elisions typed as spaces."""
    return _SPACED_ELISION.sub(lambda m: m.group(0)[:-1] + "'", text)


def spell_out(text: str) -> str:
    """The text with chat abbreviations written in full; other words, and capitals (« DS » is a test, « ds »
    is « dans »), unchanged."""
    def full(match: re.Match[str]) -> str:
        word = match.group(0)
        return word if len(word) > 1 and word.isupper() else ABBREVIATIONS.get(fold(word), word)

    written = _WORD.sub(full, _C_EST.sub("c'est ", text))
    return re.sub(r"[ \t]{2,}", " ", written) if written != text else text
