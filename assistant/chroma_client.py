"""Talking to a Chroma server: connection failures become one French message that says what to do,
short outages are ridden over by a few retries, and a collection re-created on the server (after
`cartable ingest --rebuild` by another process) is found again by name.

Every operation the project sends to Chroma is idempotent (ids are content-derived, `upsert` and
`delete` by id, reads), so retrying one after a dropped connection cannot duplicate anything.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from assistant.errors import BackendError

# Pauses before each retry of an operation whose connection failed: ~1.5 s of patience in all, enough
# for a server restart under a process supervisor, short enough for a waiting user.
RETRY_DELAYS_S = (0.5, 1.0)


class ChromaUnavailableError(BackendError):
    """The Chroma server does not answer (stopped, restarting, wrong address, refused by its proxy)."""

    def __init__(self, address: str, detail: str = "") -> None:
        reason = f" ({detail})" if detail else ""
        super().__init__(
            f"La base documentaire est momentanément indisponible : le serveur Chroma {address} ne répond pas{reason}. "
            "Réessayez dans un instant ; si cela dure, prévenez l'administrateur (le serveur `chroma run` doit être "
            "démarré, et CARTABLE_CHROMA_HOST / CARTABLE_CHROMA_PORT / CARTABLE_CHROMA_TOKEN doivent le désigner)."
        )
        self.address = address


def transport_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean "the server could not be reached", not "the request was wrong"."""
    import httpx

    return (httpx.TransportError, ConnectionError)


class GuardedCollection:
    """A Chroma collection whose calls retry over dropped connections and fail with a French message.

    Only the HTTP client needs it (an embedded collection never loses its connection), but it is
    harmless around any collection."""

    def __init__(self, inner: Any, client: Any, address: str) -> None:
        self._inner = inner
        self._client = client
        self._address = address

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr) or name.startswith("_"):
            return attr
        return self._guarded(name, attr)

    def _guarded(self, name: str, first: Callable[..., Any]) -> Callable[..., Any]:
        from chromadb.errors import NotFoundError

        errors = transport_errors()

        @functools.wraps(first)
        def call(*args: Any, **kwargs: Any) -> Any:
            method, refetched = first, False
            for attempt in range(len(RETRY_DELAYS_S) + 1):
                try:
                    return method(*args, **kwargs)
                except errors as exc:
                    if attempt == len(RETRY_DELAYS_S):
                        raise ChromaUnavailableError(self._address, "connexion interrompue") from exc
                    time.sleep(RETRY_DELAYS_S[attempt])
                except NotFoundError:
                    # The collection was deleted and re-created under the same name (a rebuild by
                    # another process): its id changed, so look it up again once.
                    if refetched:
                        raise
                    self._inner = self._client.get_collection(self._inner.name)
                    method, refetched = getattr(self._inner, name), True
            raise AssertionError("unreachable")

        return call


def guard_client_call(address: str, fn: Callable[[], Any], also: tuple[type[BaseException], ...] = ()) -> Any:
    """Run one client-level call (connect; list, get or create a collection) with the same retries and
    message; `also` adds exception types that mean "unreachable" for this call."""
    errors = transport_errors() + also
    for attempt in range(len(RETRY_DELAYS_S) + 1):
        try:
            return fn()
        except errors as exc:
            if attempt == len(RETRY_DELAYS_S):
                raise ChromaUnavailableError(address, "connexion impossible ou refusée") from exc
            time.sleep(RETRY_DELAYS_S[attempt])
    raise AssertionError("unreachable")
