"""The help lines and emergency numbers the assistant points to, named and described once (checked in
../shared/facts.md §5), so every surface — UI banner, CLI, answers — says what a number is for.

The safety module names resources by their number ("119", "3114", "Fil Santé Jeunes 0 800 235 236");
`lookup` accepts any of these forms."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    """One number to call: what to dial, what it is, when and for whom."""

    number: str  # as written for people: "119", "0 800 235 236"
    name: str  # what the number is: "Allô Enfance en danger"
    details: str = ""  # availability and audience, in a few words
    prefix_name: bool = False  # "Fil Santé Jeunes – 0 800 235 236" reads better than the reverse

    @property
    def label(self) -> str:
        """'119 – Allô Enfance en danger' (the form the brief and facts.md use)."""
        return f"{self.name} – {self.number}" if self.prefix_name else f"{self.number} – {self.name}"

    @property
    def tel(self) -> str:
        """The digits for a tel: link."""
        return re.sub(r"\D", "", self.number)

    def describe(self) -> str:
        """The label followed by its details: '119 – Allô Enfance en danger (gratuit, 24 h/24, 7 j/7)'."""
        return f"{self.label} ({self.details})" if self.details else self.label


RESOURCES: tuple[Resource, ...] = (
    Resource("119", "Allô Enfance en danger",
             "gratuit, 24 h/24, 7 j/7, pour l'enfant comme pour l'adulte inquiet"),
    Resource("3018", "harcèlement et cyberharcèlement",
             "gratuit, anonyme, 7 j/7 de 9 h à 23 h ; tchat sur 3018.fr"),
    Resource("3114", "prévention du suicide",
             "gratuit, confidentiel, 24 h/24, 7 j/7, aussi pour les professionnels"),
    Resource("15", "SAMU", "urgence médicale"),
    Resource("17", "police-gendarmerie", "danger immédiat"),
    Resource("18", "pompiers", "urgence"),
    Resource("112", "numéro d'urgence européen", "urgence vitale, depuis tout téléphone"),
    Resource("114", "urgences par SMS", "personnes sourdes ou malentendantes"),
    Resource("0 800 235 236", "Fil Santé Jeunes",
             "12-25 ans, gratuit, anonyme, 7 j/7 de 9 h à 23 h", prefix_name=True),
)
_BY_DIGITS: dict[str, Resource] = {r.tel: r for r in RESOURCES}


def lookup(name: str) -> Resource | None:
    """The resource a safety answer names ('119', 'Fil Santé Jeunes 0 800 235 236'), or None when it is
    not a known number (e.g. the school's health staff)."""
    digits = re.sub(r"\D", "", name or "")
    return _BY_DIGITS.get(digits) if digits else None


def label(name: str) -> str:
    """The named form of a resource ('17' → '17 – police-gendarmerie'); unknown names are returned as given."""
    resource = lookup(name)
    return resource.label if resource else name
