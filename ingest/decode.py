"""Bytes of a text file (.txt, .md, .csv, .html, subtitles) to text, whatever encoding saved them.

French school files are often not UTF-8: Windows Notepad and Excel write cp1252 (or latin-1), old
Macs Mac Roman, DOS tools cp850, and some editors UTF-16 with a byte-order mark. General charset
detection guesses badly on short French texts (five bytes of "élève" in cp1252 come out as Big5, and
"Là où il était, déjà ça" as cp850), so the Western single-byte encodings are tried first and judged
on what French text looks like: accents are lower-case letters inside words (or typographic signs
such as « » ’ –) and a minority of the letters. Only when none fits does charset-normalizer choose
freely (Cyrillic, Arabic, Greek… files of families' languages)."""

from __future__ import annotations

import codecs
import re

from assistant.errors import LoadError

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"),
)
WESTERN = ("cp1252", "mac_roman", "cp850")  # latin-1 text is cp1252 text (same letters, same bytes)
_MAX_CHAOS = 0.2  # charset-normalizer's "mess" ratio above which a decoding is not text
_TYPOGRAPHY = set("«»‘’“”–—…€°•·×œŒæÆ\u00a0")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_SAMPLE = 1 << 20


def decode_text(data: bytes) -> str:
    """Decode a text file's bytes; raise LoadError (French) when they are not text in any encoding."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding.lower())  # the codec reads the mark and drops it
            except UnicodeDecodeError as exc:
                raise LoadError(f"le texte annonce l'encodage {encoding} mais il est abîmé "
                                f"(octet invalide à la position {exc.start})") from exc
    marked_utf8 = data.startswith(codecs.BOM_UTF8)
    data = data.removeprefix(codecs.BOM_UTF8)
    if b"\x00" in data[:4096]:
        raise LoadError("le fichier contient des données binaires, pas du texte")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if marked_utf8:  # the writer said UTF-8: a few stray bytes do not make it another encoding
            return data.decode("utf-8", errors="replace")
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return mostly_utf8
    western = _western(data)
    if western is not None:
        return western
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.chaos <= _MAX_CHAOS:
        return str(best)
    raise LoadError("le fichier ne ressemble à du texte dans aucun encodage connu : "
                    "réenregistrez-le en texte UTF-8 (ou vérifiez qu'il ne s'agit pas d'un fichier binaire renommé)")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few stray bytes (a cp1252 paste inside a UTF-8 file): decoding it as cp1252
    would garble every accent, so the few stray bytes are replaced instead."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    # In a cp1252 or latin-1 French text every accent is a stray byte and valid sequences are
    # accidents: valid accents outnumbering stray bytes mean UTF-8.
    return text if good > bad else None


def french_likeness(text: str) -> float | None:
    """How much a decoding reads as Western European text, from -1 to 1 (None: not such text).
    Each non-ASCII character scores +1 when it is a lower-case letter, a capital opening a word or a
    typographic sign, -1 otherwise (a capital inside a word, a stray symbol)."""
    if _CONTROL.search(text):
        return None
    non_ascii = [i for i, ch in enumerate(text) if ord(ch) > 127]
    if not non_ascii:
        return 1.0
    score = accented = 0
    for i in non_ascii:
        ch = text[i]
        accented += ch.isalpha()
        fits = ch in _TYPOGRAPHY or ch.islower() or (ch.isupper() and not (i and text[i - 1].islower()))
        score += 1 if fits else -1
    # Even in a short French phrase ("déjà ça") at most half the letters carry an accent; a Cyrillic,
    # Greek or Arabic text read through a Western code page is nothing but "accented letters".
    if accented > 0.6 * (accented + len(_ASCII_LETTER.findall(text))):
        return None
    return score / len(non_ascii)


def _western(data: bytes) -> str | None:
    """The Western single-byte decoding that reads best as text, if one reads well enough."""
    best: tuple[float, str] | None = None
    for encoding in WESTERN:
        try:
            data[:_SAMPLE].decode(encoding)
        except UnicodeDecodeError:
            continue
        score = french_likeness(data[:_SAMPLE].decode(encoding))
        if score is not None and score >= 0.5 and (best is None or score > best[0]):
            best = (score, encoding)
    if best is None:
        return None
    try:
        return data.decode(best[1])
    except UnicodeDecodeError:
        return None
