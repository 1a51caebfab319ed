"""Social messages (thanks, greetings, « que peux-tu faire ? ») get a short reply and never reach retrieval
or the safety classifier; anything else, a cry for help included, goes through the pipeline."""

from __future__ import annotations

import pytest

from assistant import smalltalk


@pytest.mark.parametrize(("message", "kind"), [
    ("merci", "thanks"),
    ("Super, merci beaucoup !", "thanks"),
    ("merci pour votre aide madame", "thanks"),
    ("Bonjour", "greeting"),
    ("slt", "greeting"),
    ("ok", "ack"),
    ("d'accord, c'est parfait", "ack"),
    ("au revoir", "bye"),
    ("bonne journée !", "bye"),
    ("test", "test"),
    ("Que peux-tu faire ?", "capabilities"),
    ("tu sers à quoi", "capabilities"),
    ("aide", "capabilities"),
])
def test_social_messages_are_recognised(message: str, kind: str) -> None:
    assert smalltalk.kind(message) == kind
    assert smalltalk.reply(message)


@pytest.mark.parametrize("message", [
    "au secours", "aide moi", "aidez-moi il me tape", "merci mais je veux mourir", "bonjour, mon beau-père me frappe",
    "ok et pour des CE1 ?", "merci, et la durée ?", "oui", "une activité sur la colère", "",
])
def test_anything_else_goes_through_the_pipeline(message: str) -> None:
    assert smalltalk.kind(message) is None


def test_the_capabilities_reply_gives_the_emergency_numbers() -> None:
    text = smalltalk.reply("que pouvez-vous faire ?") or ""
    for number in ("119", "3114", "3018", "112"):
        assert number in text
