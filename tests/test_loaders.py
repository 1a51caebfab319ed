"""Each loader on fixtures generated here: text (accents preserved) and locators right."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import LoadError
from ingest.clean import clean_sections
from ingest.loaders import load
from tests.make_docs import make_docx, make_pdf, make_pptx


def test_markdown_front_matter_and_heading_path(tmp_path: Path) -> None:
    path = tmp_path / "fiche.md"
    path.write_text(
        "---\ntitle: La météo des émotions\ndoc_type: seance\nlevels: [CE1]\n---\n"
        "# La météo des émotions\n\nIntro.\n\n## Déroulement\n\n### 1. Accueil (5 min)\n\nLes élèves s'assoient en cercle.\n",
        encoding="utf-8",
    )
    doc = load(path)
    assert doc.front_matter["title"] == "La météo des émotions"
    assert doc.title == "La météo des émotions"
    step = [s for s in doc.sections if "cercle" in s.text][0]
    assert step.heading_path == ("Déroulement", "1. Accueil (5 min)")


def test_markdown_invalid_front_matter_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [oops\n---\ntexte", encoding="utf-8")
    with pytest.raises(LoadError, match="YAML"):
        load(path)


def test_pdf_pages_accents_and_running_header_removed(tmp_path: Path) -> None:
    topics = ["coopèrent à l'école, ça marche", "apprennent le message clair", "respirent avant l'évaluation", "choisissent ensemble"]
    pages = [[f"Dans cette classe, les élèves {t}."] for t in topics]
    path = make_pdf(tmp_path / "rapport.pdf", pages, title="Rapport d'évaluation", header="Programme En santé à l'école")
    doc = load(path)
    assert doc.title == "Rapport d'évaluation"
    assert [s.page for s in doc.sections] == [1, 2, 3, 4]
    cleaned = clean_sections(doc.sections, paged=True)
    assert "élèves coopèrent à l'école, ça marche" in cleaned[0].text
    assert "respirent avant l'évaluation" in cleaned[2].text
    assert all("Programme En santé" not in s.text and "Page " + str(s.page) not in s.text for s in cleaned)


def test_pdf_encrypted_is_reported(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "secret.pdf", [["Confidentiel"]], password="motdepasse")
    with pytest.raises(LoadError, match="mot de passe|chiffré"):
        load(path)


@pytest.mark.parametrize("content", [b"\x89\x00\x13junk" * 100, b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog"])
def test_pdf_junk_or_truncated_is_reported(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "abime.pdf"
    path.write_bytes(content)
    with pytest.raises(LoadError):
        load(path)


def test_docx_heading_path_and_tables(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "fiche.docx", [
        ("h1", "Le défi des gobelets"),
        ("p", "Niveau : CE2"),
        ("h2", "Matériel"),
        ("li", "Vingt gobelets en carton"),
        ("h2", "Déroulement"),
        ("h3", "Phase 1 (10 min)"),
        ("p", "Les élèves construisent une tour sans se parler."),
        ("table", "Phase|Durée;Accueil|5 min"),
    ], title="Le défi des gobelets")
    doc = load(path)
    assert doc.title == "Le défi des gobelets"
    step = [s for s in doc.sections if "tour sans se parler" in s.text][0]
    assert step.heading_path == ("Déroulement", "Phase 1 (10 min)")
    assert "Accueil | 5 min" in step.text
    material = [s for s in doc.sections if s.heading_path == ("Matériel",)][0]
    assert "Vingt gobelets" in material.text


def test_pptx_slide_numbers_and_titles(tmp_path: Path) -> None:
    path = make_pptx(tmp_path / "deck.pptx", [
        ("Savoir intervenir", ["Méthodes interactives", "Posture éducative"]),
        ("Déploiement", ["91 écoles", "Évaluation externe"]),
    ], title="Retour d'expériences")
    doc = load(path)
    assert doc.title == "Retour d'expériences"
    assert [(s.slide, s.heading_path) for s in doc.sections] == [(1, ("Savoir intervenir",)), (2, ("Déploiement",))]
    assert "Évaluation externe" in doc.sections[1].text


def test_html_main_content_only(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Attitudes éducatives</title><script>var tracker = 1;</script></head><body>"
        "<nav><a href='/'>Accueil</a><a href='/plan'>Plan du site</a></nav>"
        "<div class='cookie-banner'>Nous utilisons des cookies pour mesurer l'audience.</div>"
        "<main><article><h1>Attitudes éducatives</h1>"
        "<p>La continuité entre les séances et la vie de la classe est essentielle pour que les compétences se développent.</p>"
        "<h2>Les récréations</h2><p>Pendant la récréation, l'adulte valorise l'entraide et reformule les conflits sans juger.</p>"
        "</article></main><footer>Mentions légales — Contact</footer></body></html>",
        encoding="utf-8",
    )
    doc = load(path)
    text = "\n".join(s.text for s in doc.sections)
    assert "valorise l'entraide" in text
    for junk in ("cookies", "Mentions légales", "tracker", "Plan du site"):
        assert junk not in text
    assert [s for s in doc.sections if "récréation" in s.text][0].heading_path == ("Les récréations",)
    assert doc.title == "Attitudes éducatives"


def test_vtt_and_srt_timestamps(tmp_path: Path) -> None:
    vtt = tmp_path / "entretien.vtt"
    vtt.write_text(
        "WEBVTT\n\n00:00:05.000 --> 00:00:12.000\n<v Claire>Bonjour, je suis enseignante en CE2.\n\n"
        "00:02:15.500 --> 00:02:30.000\n<v Claire>Le message clair a changé la vie de la classe.\n",
        encoding="utf-8",
    )
    doc = load(vtt)
    assert doc.sections[0].timestamp == "00:05"
    assert "Claire : Bonjour, je suis enseignante en CE2." in doc.sections[0].text
    srt = tmp_path / "entretien.srt"
    srt.write_text("1\n00:01:05,000 --> 00:01:09,000\nLes élèves ont adoré.\n", encoding="utf-8")
    assert load(srt).sections[0].timestamp == "01:05"


def test_invalid_utf8_and_unsupported_extension(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_bytes("élève".encode("latin-1"))
    with pytest.raises(LoadError, match="UTF-8"):
        load(bad)
    other = tmp_path / "tableur.xlsx"
    other.write_bytes(b"PK\x03\x04")
    with pytest.raises(LoadError, match="non pris en charge"):
        load(other)
