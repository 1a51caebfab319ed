"""click in French: help (usage line, headings, type names, defaults, the help and version options)
and error messages, through click's extension points (context and formatter classes, the command
classes a group hands to its subcommands), so commands added later are French too."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import click

HELP_OPTION_HELP = "Affiche cette aide et quitte."
VERSION_OPTION_HELP = "Affiche la version et quitte."
_USAGE_PREFIX = "Utilisation : "
_HEADINGS = {"Options": "Options", "Commands": "Commandes", "Positional arguments": "Arguments"}
# click's type names in metavars ("--store PATH", "COMMAND [ARGS]...").
_METAVARS = {
    "INTEGER RANGE": "ENTIER", "FLOAT RANGE": "NOMBRE", "INTEGER": "ENTIER", "FLOAT": "NOMBRE", "TEXT": "TEXTE",
    "PATH": "CHEMIN", "FILENAME": "FICHIER", "FILE": "FICHIER", "DIRECTORY": "DOSSIER", "BOOLEAN": "OUI/NON",
    "COMMAND": "COMMANDE",
}
_METAVAR = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _METAVARS), key=len, reverse=True)) + r")\b")
# The bracketed extras click appends to an option's help: "[default: hybrid; required]".
_EXTRAS = (("default: ", "défaut : "), ("env var: ", "variable d'environnement : "), ("required", "obligatoire"))
# click's error messages (click 8.x wording) → French; anything else is shown as click wrote it.
_ERRORS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"^Missing argument '(.+)'\.?$"), r"argument manquant : \1."),
    (re.compile(r"^Missing option '(.+)'\.?$"), r"option manquante : \1."),
    (re.compile(r"^Missing (?:parameter|\w+): ?'?(.+?)'?\.?$"), r"paramètre manquant : \1."),
    (re.compile(r"^No such option: (\S+?)(?:\s+Did you mean (.+)\?)?$"),
     lambda m: f"option inconnue : {m.group(1)}." + (f" Vouliez-vous dire {m.group(2)} ?" if m.group(2) else "")),
    (re.compile(r"^No such option '(.+)'\.$"), r"option inconnue : \1."),
    (re.compile(r"^No such command '(.+)'\.$"), r"commande inconnue : « \1 »."),
    (re.compile(r"^Option '(.+)' requires an argument\.$"), r"l'option \1 attend une valeur."),
    (re.compile(r"^Option '(.+)' requires (\d+) arguments\.$"), r"l'option \1 attend \2 valeurs."),
    (re.compile(r"^Option '(.+)' does not take a value\.$"), r"l'option \1 ne prend pas de valeur."),
    (re.compile(r"^Got unexpected extra arguments? \((.+)\)$"), r"argument(s) en trop : \1."),
    (re.compile(r"^Invalid value for (.+?): (.+)$", re.S), lambda m: f"valeur invalide pour {m.group(1)} : {_detail(m.group(2))}"),
    (re.compile(r"^Invalid value: (.+)$", re.S), lambda m: f"valeur invalide : {_detail(m.group(1))}"),
)
_DETAILS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(.+) is not in the range (.+)\.$"), r"\1 n'est pas dans l'intervalle \2."),
    (re.compile(r"^'?(.+?)'? is not a valid integer\.$"), r"« \1 » n'est pas un nombre entier."),
    (re.compile(r"^'?(.+?)'? is not a valid float\.$"), r"« \1 » n'est pas un nombre."),
    (re.compile(r"^'?(.+?)'? is not one of (.+)\.$"), r"« \1 » n'est pas parmi \2."),
    (re.compile(r"^'?(.+?)'? is not (.+)\.$"), r"« \1 » n'est pas \2."),
    (re.compile(r"^(?:Path|File|Directory) '(.+)' does not exist\.$"), r"« \1 » n'existe pas."),
)


def translate_error(message: str) -> str:
    """A click error message in French (messages raised by this project are French already)."""
    for pattern, replacement in _ERRORS:
        match = pattern.match(message.strip())
        if match:
            return replacement(match) if callable(replacement) else match.expand(replacement)
    return message


def _detail(message: str) -> str:
    for pattern, replacement in _DETAILS:
        match = pattern.match(message.strip())
        if match:
            return match.expand(replacement)
    return message


def _metavars(text: str) -> str:
    return _METAVAR.sub(lambda m: _METAVARS[m.group(1)], text)


class FrenchHelpFormatter(click.HelpFormatter):
    """French usage prefix, section headings, type names and option extras."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, _metavars(args), _USAGE_PREFIX if prefix is None else prefix)

    def section(self, name: str) -> Any:
        return super().section(_HEADINGS.get(name, name))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        french = []
        for term, text in rows:
            for english, fr in _EXTRAS:
                text = re.sub(rf"(?<=[\[; ]){re.escape(english)}", fr, text)
            french.append((_metavars(term), text))
        super().write_dl(french, col_max, col_spacing)


class FrenchContext(click.Context):
    formatter_class = FrenchHelpFormatter


class _FrenchMixin:
    """What every French command shares: the context (hence the formatter), the help option's text,
    and errors printed in French."""

    context_class = FrenchContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)  # type: ignore[misc]
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)  # type: ignore[misc]
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            show_error(exc)
        except click.Abort:
            click.echo("Interrompu.", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


def show_error(exc: click.ClickException) -> NoReturn:
    """Print a click error in French (usage line and help hint first for usage errors) and exit."""
    if isinstance(exc, click.UsageError) and exc.ctx is not None:
        click.echo(exc.ctx.get_usage(), err=True)
        click.echo(f"Aide : {exc.ctx.command_path} --help\n", err=True)
    click.echo(f"Erreur : {translate_error(exc.format_message())}", err=True)
    sys.exit(exc.exit_code)


class FrenchCommand(_FrenchMixin, click.Command):
    """A click command whose help and errors are in French."""


class FrenchGroup(_FrenchMixin, click.Group):
    """A click group whose help and errors are in French, as are its subcommands and subgroups."""

    command_class = FrenchCommand
    group_class = type  # subgroups are FrenchGroups too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGS]...")
        super().__init__(*args, **kwargs)


def french(command: click.Command, name: str | None = None) -> FrenchCommand:
    """A French copy of a plain click command defined elsewhere (same options and callback)."""
    return FrenchCommand(name=name or command.name, params=command.params, callback=command.callback, help=command.help,
                         context_settings=command.context_settings, epilog=command.epilog, short_help=command.short_help)
