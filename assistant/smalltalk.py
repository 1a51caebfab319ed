"""Messages that are not questions: thanks, greetings, « ok », « test », « que peux-tu faire ? ».

Retrieval would answer them with the nearest session sheet and the safety classifier, which has never
seen them, may read a lone « merci » as a cry for help. They are a closed class of French pleasantries,
recognised word by word (every word of the message must be one of them), and get a short reply that
says what the assistant does. A message with any other word goes through the normal pipeline, so a
child's « au secours » or « aidez-moi il me tape » is never caught here."""

from __future__ import annotations

import re

from assistant.vocabulary import fold

_THANKS = frozenset("merci mercii merciii thanks thx remerciements".split())
_GREETING = frozenset("bonjour bonsoir salut coucou hello hi hey slt bjr cc re".split())
_BYE = frozenset("revoir bientot bye ciao tchao bonne journee soiree".split())
_ACK = frozenset("ok okay oki dac d'accord entendu parfait super top genial cool excellent nickel ca marche"
                 " bien recu note vu compris impeccable".split())
_TEST = frozenset("test tester essai".split())
# Words that only accompany the others (« merci beaucoup madame », « super, merci à vous »).
_FILLER = frozenset("beaucoup bcp bien tres trop vraiment encore mille fois pour tout a au vous toi tous le la les"
                    " madame monsieur mme m oui et c'est c est ca cela votre ton aide reponse reponses".split())
_CAPABILITIES = re.compile(
    r"^(?:(?:qu'est-ce que |que |qu')?(?:peux|pouvez|sais|savez)[- ](?:tu|vous)(?: me)? faire"
    r"|(?:a quoi|a qui) (?:tu sers|sers-tu|servez-vous|vous servez|ca sert)|tu sers a quoi|tu fais quoi"
    r"|comment (?:ca marche|ca fonctionne|t'utiliser|vous utiliser|utiliser (?:l'assistant|cet outil|ce site))"
    r"|aide|help|mode d'emploi|qui es-tu|t'es qui|tu es qui|qui etes-vous)\s*$")

CAPABILITIES = (
    "Je réponds aux questions sur les documents du **cartable des compétences psychosociales** et du programme "
    "**En santé à l'école** (Pays de la Loire), en citant les passages exacts. Vous pouvez par exemple demander :\n\n"
    "- une séance pour une classe et une compétence : « Une activité sur la colère pour des CE1 ? » ;\n"
    "- comment animer : « Comment je gère un élève qui ne veut pas participer ? » ;\n"
    "- une progression : « Prépare-moi 6 séances sur les émotions pour mes CM1 » ;\n"
    "- un atelier de formation : « J'anime 3 heures pour des enseignants sur les CPS » ;\n"
    "- des faits sur les programmes : « Combien d'écoles ont participé à En santé à l'école ? ».\n\n"
    "Si un enfant est en danger : **119** (Allô Enfance en danger), **3114** (prévention du suicide), "
    "**3018** (harcèlement), **17** ou **112** en cas d'urgence."
)
_REPLIES = {
    "thanks": "Avec plaisir ! Posez une autre question quand vous voulez : une séance, une progression, un atelier "
              "ou un point sur les programmes.",
    "greeting": "Bonjour ! " + CAPABILITIES,
    "bye": "Au revoir, et bonnes séances !",
    "ack": "Entendu. Posez une autre question quand vous voulez.",
    "test": "Je fonctionne. " + CAPABILITIES,
    "capabilities": CAPABILITIES,
}


def _words(folded: str) -> list[str]:
    return re.findall(r"[a-z]+(?:'[a-z]+)?", folded.replace("’", "'"))


def kind(message: str) -> str | None:
    """What kind of social message this is ('thanks', 'greeting', 'bye', 'ack', 'test', 'capabilities'),
    or None for anything else (a question, a request, a disclosure)."""
    folded = " ".join(_words(fold(message)))
    if not folded:
        return None
    if _CAPABILITIES.match(folded):
        return "capabilities"
    words = folded.split()
    if len(words) > 8 or any(w not in _THANKS | _GREETING | _BYE | _ACK | _TEST | _FILLER for w in words):
        return None
    for name, lexicon in (("thanks", _THANKS), ("bye", _BYE), ("greeting", _GREETING), ("test", _TEST), ("ack", _ACK)):
        if any(w in lexicon for w in words):
            return name
    return None


def reply(message: str) -> str | None:
    """The French reply to a social message, or None when the message is to be answered from the documents."""
    found = kind(message)
    return _REPLIES[found] if found else None
