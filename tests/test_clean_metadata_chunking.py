"""Pure functions: cleaning, metadata inference, chunking, vocabulary."""

from __future__ import annotations

from assistant.schema import DocMeta, LoadedDocument, Section
from assistant.vocabulary import competence_from_label, cycles_of, levels_in_text, normalise_levels
from ingest.chunking import chunk_sections
from ingest.clean import clean_text, remove_repeated_page_lines
from ingest.metadata import build_doc_meta


def test_clean_text_undoes_hyphenation_and_normalises() -> None:
    raw = "Les compé-\ntences psycho\u00adsociales\u00a0: ﬁn  de   ligne\r\nSaint-\nNazaire"
    text = clean_text(raw)
    assert "compétences" in text
    assert "fin de ligne" in text
    assert "Saint-\nNazaire" in text  # a capitalised second part is a real hyphenated name


def test_repeated_footer_removed_only_when_repeated() -> None:
    topics = ["les émotions", "la coopération", "le stress", "la décision"]
    pages = [Section(f"En santé à l'école\nCette page parle de {t}.\nPage {i}", page=i) for i, t in enumerate(topics, 1)]
    cleaned = remove_repeated_page_lines(pages)
    assert [s.text for s in cleaned] == [f"Cette page parle de {t}." for t in topics]
    two_pages = pages[:2]
    assert remove_repeated_page_lines(two_pages) == two_pages  # too few pages to tell a pattern


def test_levels_and_cycles() -> None:
    assert levels_in_text("Une séance pour la grande section ?") == ["GS"]
    assert levels_in_text("en CE1 et au collège") == ["CE1", "6e", "5e", "4e", "3e"]
    assert normalise_levels(["cycle 3"]) == ["CM1", "CM2", "6e"]
    assert cycles_of(["CE1", "6e"]) == [2, 3]
    assert levels_in_text("Comment gérer la colère ?") == []


def test_competence_labels() -> None:
    assert competence_from_label("Réguler ses émotions").key == "reguler_emotions"
    assert competence_from_label("avoir conscience de ses emotions et de son stress").key == "conscience_emotions"
    assert competence_from_label("quelque chose d'autre") is None


def test_front_matter_wins_and_inference_fills_the_rest() -> None:
    loaded = LoadedDocument(
        [Section("**Compétence(s) visée(s)** : Gérer son stress — respirer\n**Niveau** : CM1, CM2 (cycle 3)\n**Durée** : 50 minutes")],
        title="Ma trousse anti-trac",
    )
    meta = build_doc_meta(loaded, "docs/seances/trousse.docx", ".docx")
    assert meta.title == "Ma trousse anti-trac"
    assert meta.doc_type == "seance"
    assert meta.levels == ("CM1", "CM2")
    assert meta.competences == ("gerer_stress",)
    assert meta.duration == "50 min"

    loaded.front_matter = {"title": "Autre titre", "doc_type": "guide", "niveaux": ["CP"]}
    meta = build_doc_meta(loaded, "docs/x.md", ".md")
    assert (meta.title, meta.doc_type, meta.levels) == ("Autre titre", "guide", ("CP",))


def test_unknown_fields_stay_empty() -> None:
    meta = build_doc_meta(LoadedDocument([Section("Un texte sans indication particulière.")]), "notes/idees.txt", ".txt")
    assert meta.doc_type == "autre"
    assert meta.levels == () and meta.competences == () and meta.duration is None
    assert meta.title == "Idees"


def test_chunks_follow_sections_then_size_with_stable_ids() -> None:
    doc = DocMeta(source="c/fiche.md", title="La météo des émotions")
    long_text = " ".join(f"Phrase numéro {i} du déroulement de la séance." for i in range(60))
    sections = [Section("Nommer quatre émotions et les reconnaître chez les autres.", ("Objectifs",)), Section(long_text, ("Déroulement",))]
    chunks = chunk_sections(sections, doc, "hash1", chunk_size=400, overlap=60)
    assert chunks[0].heading_path == ("Objectifs",)
    assert len(chunks) > 3 and all(len(c.text) <= 400 for c in chunks)
    assert chunks[1].indexed_text.startswith("La météo des émotions — Déroulement\n")
    again = chunk_sections(sections, doc, "hash1", chunk_size=400, overlap=60)
    assert [c.id for c in again] == [c.id for c in chunks]
    assert chunk_sections(sections, doc, "hash2", 400, 60)[0].id != chunks[0].id
    assert len({c.id for c in chunks}) == len(chunks)
