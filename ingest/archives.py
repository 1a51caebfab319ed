"""Checks on the zip archives behind DOCX, PPTX, XLSX, ODT, ODP, ODS and EPUB files, made from the
archive's directory before any library opens it: a zip bomb, a file that is not a zip at all, and
the two things a non-zip "Office" file usually is — a password-protected document (Office then
wraps it in an encrypted OLE container) or an old binary .doc/.xls/.ppt renamed."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import LoadError

# A few kB can inflate to gigabytes ("zip bomb"). Real DOCX/PPTX of a school programme inflate to a
# few tens of MB (images included) at ratios rarely above 20.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
MAX_MEMBER_RATIO = 100  # for members above 1 MB: XML compresses ~10×, a run of zeros ~1000×
_RATIO_FLOOR = 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy Office, or encrypted OOXML
# The stream that holds an encrypted OOXML package, as its name is written in the OLE directory (UTF-16LE).
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
PASSWORD_ADVICE = "ouvrez-le, enregistrez une copie sans mot de passe puis relancez l'ingestion"
_SCAN_BYTES = 8 * 1024 * 1024
LEGACY_ADVICE = "enregistrez-le au format .docx ou .odt (.xlsx ou .ods pour un tableur, .pptx ou .odp pour une présentation) puis relancez l'ingestion"


def ole_kind(path: Path) -> str | None:
    """None for a file that is not an OLE compound file; else "encrypted" (a protected OOXML
    document), "legacy" (an old binary Office file) or "unsure" (a big file not read whole)."""
    with path.open("rb") as fh:
        if fh.read(8) != OLE_MAGIC:
            return None
        fh.seek(0, 2)
        size = fh.tell()
        # The stream directory may sit anywhere: a small file is read whole, a big one at both ends.
        fh.seek(0)
        data = fh.read(_SCAN_BYTES)
        if size > _SCAN_BYTES:
            fh.seek(size - _SCAN_BYTES // 4)
            data += fh.read()
    if _ENCRYPTED_PACKAGE in data:
        return "encrypted"
    return "unsure" if size > _SCAN_BYTES else "legacy"


def check_ole_container(path: Path) -> None:
    """Name what an OLE compound file given as a zip-based document really is."""
    kind = ole_kind(path)
    if kind is None:
        return
    if kind == "encrypted":
        raise LoadError(f"le document est protégé par un mot de passe : {PASSWORD_ADVICE}")
    maybe = ", ou un document protégé par un mot de passe" if kind == "unsure" else ""
    raise LoadError(f"c'est un fichier Office de l'ancien format binaire (.doc, .xls ou .ppt) renommé{maybe} : {LEGACY_ADVICE}")


def check_zip_archive(path: Path) -> None:
    """Refuse an Office/OpenDocument/EPUB archive that is not a zip, or whose declared contents are
    too big, too many or too compressed to be a genuine document (zip bomb)."""
    import zipfile

    check_ole_container(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise LoadError(f"le fichier est abîmé ou tronqué : un fichier {path.suffix.lower()} est une archive zip, "
                        f"et celle-ci est illisible ({exc})") from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise LoadError(f"l'archive contient {len(members)} fichiers internes (limite {MAX_ZIP_MEMBERS}) : fichier refusé")
    total = sum(m.file_size for m in members)
    if total > MAX_UNZIPPED_BYTES:
        raise LoadError(f"le contenu décompressé ferait {total / 1024 / 1024:.0f} Mo (limite "
                        f"{MAX_UNZIPPED_BYTES // 1024 // 1024} Mo) : fichier refusé (possible bombe de décompression)")
    for m in members:
        if m.file_size > _RATIO_FLOOR and m.file_size > MAX_MEMBER_RATIO * max(m.compress_size, 1):
            raise LoadError(f"« {m.filename} » se décompresse {m.file_size // max(m.compress_size, 1)} fois : "
                            "fichier refusé (possible bombe de décompression)")


def read_member(path: Path, name: str, limit: int = 1024 * 1024) -> bytes | None:
    """A small member of an archive already checked by check_zip_archive, or None when absent."""
    import zipfile
    import zlib

    with zipfile.ZipFile(path) as archive:
        try:
            info = archive.getinfo(name)
        except KeyError:
            return None
        if info.file_size > limit:
            return None
        try:
            return archive.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise LoadError(f"le fichier est abîmé : sa partie interne « {name} » est illisible ({exc})") from exc
