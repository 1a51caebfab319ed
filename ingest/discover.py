"""Find the files to ingest under the given paths: hidden files, the owner files Office leaves next to
an open document (`~$fiche.docx`) and Windows' folder files (Thumbs.db, desktop.ini) skipped,
`.cartableignore` (gitignore syntax) honoured, unreadable directories reported rather than silently
skipped. Files are not filtered by extension: an unsupported format is reported by the loader."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

IGNORE_FILE = ".cartableignore"
SYSTEM_FILES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}


def is_clutter(name: str) -> bool:
    """Hidden files, Office owner files ("~$" + the document's name, a few bytes that are not a
    document) and Windows' folder files: never part of a library."""
    return name.startswith((".", "~$")) or name.lower() in SYSTEM_FILES


@dataclass(frozen=True)
class Found:
    path: Path  # absolute
    root: Path  # absolute: the directory given by the user (or the file's parent)
    source: str  # what citations show: the root's name, then the path inside it


def _ignore_spec(root: Path):  # type: ignore[no-untyped-def]
    import pathspec

    ignore = root / IGNORE_FILE
    if not ignore.is_file():
        return None
    return pathspec.PathSpec.from_lines("gitignore", ignore.read_text(encoding="utf-8").splitlines())


def source_name(root: Path, path: Path) -> str:
    return (Path(root.name) / path.relative_to(root)).as_posix()


def discover(paths: list[Path]) -> tuple[list[Found], list[tuple[str, str]]]:
    """Files under the paths, and (path, reason) failures for what could not be listed."""
    found: list[Found] = []
    failures: list[tuple[str, str]] = []
    for given in paths:
        path = given.expanduser().resolve()
        if path.is_file():
            found.append(Found(path, path.parent, source_name(path.parent, path)))
            continue
        if not path.exists():
            failures.append((str(given), "chemin introuvable"))
            continue
        if not os.access(path, os.R_OK | os.X_OK):
            failures.append((str(given), "dossier illisible (droits d'accès insuffisants)"))
            continue
        spec = _ignore_spec(path)

        def on_error(err: OSError) -> None:
            failures.append((str(err.filename), "dossier illisible (droits d'accès insuffisants)"))

        for dirpath, dirnames, filenames in os.walk(path, onerror=on_error):
            current = Path(dirpath)
            rel_dir = current.relative_to(path).as_posix()
            dirnames[:] = sorted(
                d for d in dirnames
                if not d.startswith(".") and not (spec and spec.match_file(f"{rel_dir}/{d}/".lstrip("./")))
            )
            for name in sorted(filenames):
                if is_clutter(name):
                    continue
                rel = (current / name).relative_to(path).as_posix()
                if spec and spec.match_file(rel):
                    continue
                found.append(Found(current / name, path, source_name(path, current / name)))
    return found, failures
