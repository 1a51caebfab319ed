"""Who may do what in the UI: optional login from the settings, admins may upload documents.

Passwords are read here and handed to Gradio's login, never printed or logged.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from assistant.errors import CartableError
from assistant.settings import Settings

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def parse_credentials(text: str, separator: str, origin: str) -> list[tuple[str, str]]:
    """'user:pass' entries split by `separator`; blank entries and '#' comments are skipped."""
    pairs: list[tuple[str, str]] = []
    for number, raw in enumerate(text.split(separator), start=1):
        item = raw.strip()
        if not item or item.startswith("#"):
            continue
        user, sep, password = item.partition(":")
        if not sep or not user.strip() or not password:
            # The entry itself is not repeated: it may hold a password.
            raise CartableError(f"{origin} : l'entrée n° {number} n'a pas la forme utilisateur:mot_de_passe.")
        pairs.append((user.strip(), password))
    return pairs


def load_credentials(settings: Settings) -> list[tuple[str, str]]:
    """Accounts from `settings.auth` ('u:p,u2:p2') and `settings.auth_file` (one 'u:p' per line)."""
    pairs: list[tuple[str, str]] = []
    if settings.auth:
        pairs += parse_credentials(settings.auth, ",", "CARTABLE_AUTH")
    if settings.auth_file:
        try:
            text = settings.auth_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise CartableError(f"Fichier de comptes illisible ({settings.auth_file}) : {exc.strerror or exc}") from exc
        pairs += parse_credentials(text, "\n", str(settings.auth_file))
    return pairs


@dataclass(frozen=True)
class Access:
    """The access rules of one running app."""

    auth_enabled: bool
    local_only: bool
    admins: frozenset[str]

    @classmethod
    def from_settings(cls, settings: Settings, host: str, auth_enabled: bool | None = None) -> Access:
        enabled = bool(settings.auth or settings.auth_file) if auth_enabled is None else auth_enabled
        return cls(enabled, host in LOOPBACK, frozenset(settings.admin_users))

    def can_upload(self, username: str | None) -> bool:
        """With login: admins only. Without: only when the server listens on this machine alone."""
        if self.auth_enabled:
            return username is not None and username in self.admins
        return self.local_only

    def notice(self, username: str | None) -> str:
        """One French sentence telling the user who they are and whether they may add documents."""
        if self.auth_enabled:
            who = f"Connecté·e en tant que **{_md(username or '?')}**"
            if self.can_upload(username):
                return f"{who} (administrateur·rice) : vous pouvez ajouter des documents dans l'onglet « État de l'index »."
            return f"{who}."
        if self.local_only:
            return ("Serveur local sans connexion : l'ajout de documents est ouvert car seul cet ordinateur "
                    "peut joindre l'interface (127.0.0.1).")
        return ("Ajout de documents désactivé : le serveur est joignable depuis le réseau sans connexion. "
                "Configurez CARTABLE_AUTH (ou CARTABLE_AUTH_FILE) et CARTABLE_ADMIN_USERS pour l'activer.")


def _md(text: str) -> str:
    return html.escape(text, quote=False).replace("*", "\\*").replace("_", "\\_")
