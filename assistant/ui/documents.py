"""Serving original documents: only files the manifest records, only from inside their ingested root.

A citation's source is '<root name>/<path inside the root>' and the manifest keeps each file's root,
so the file is `root / <source without its first component>`. Anything that resolves elsewhere
(`..`, symlinks out of the root, files never ingested) is refused.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import quote

from assistant.errors import LoadError
from assistant.store import Manifest
from ingest.decode import decode_text

ROUTE = "cartable/document"

# Types a browser may display in the page's origin. Anything else is downloaded (an ingested HTML
# page shown inline would run its scripts with the app's cookies).
_INLINE_TYPES = {
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".markdown": "text/plain; charset=utf-8",
    ".vtt": "text/plain; charset=utf-8",
    ".srt": "text/plain; charset=utf-8",
}
_DOWNLOAD_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".html": "application/octet-stream",
    ".htm": "application/octet-stream",
}


def resolve_document(manifest: Manifest, source: str) -> Path | None:
    """The original file of an ingested source, or None when it is unknown, gone or outside its root."""
    entry = manifest.files.get(source)
    if entry is None:
        return None
    parts = PurePosixPath(source).parts
    if len(parts) < 2 or any(p in ("..", "") or "\\" in p for p in parts) or PurePosixPath(source).is_absolute():
        return None
    try:
        root = Path(entry.root).resolve(strict=True)
        path = root.joinpath(*parts[1:]).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def document_url(source: str, page: int | None = None) -> str:
    """Relative URL of the original (relative, so it works under a proxy prefix); PDFs open at the page."""
    url = f"{ROUTE}/{quote(source, safe='/')}"
    if page and source.lower().endswith(".pdf"):
        url += f"#page={page}"
    return url


def response_headers(path: Path) -> tuple[str, str, dict[str, str]]:
    """(media type, content disposition, extra headers) for serving an original file."""
    suffix = path.suffix.lower()
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}
    if suffix in _INLINE_TYPES:
        if suffix != ".pdf":
            # Text shown inline is inert anyway; the sandbox makes sure nothing in it can script.
            headers["Content-Security-Policy"] = "sandbox"
        return _INLINE_TYPES[suffix], "inline", headers
    return _DOWNLOAD_TYPES.get(suffix, "application/octet-stream"), "attachment", headers


def utf8_text(path: Path) -> bytes | None:
    """A text original saved in another encoding (cp1252 from Notepad or Excel, UTF-16…), re-encoded as the
    UTF-8 its response announces; None when the file is served as it is (UTF-8 already, or not shown as text)."""
    if path.suffix.lower() not in _INLINE_TYPES or path.suffix.lower() == ".pdf":
        return None
    data = path.read_bytes()
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    try:
        return decode_text(data).encode("utf-8")
    except LoadError:  # not text in any encoding; served as it is, the sandbox keeps it inert
        return None
