"""The formats a French school library holds besides PDF/DOCX/PPTX: LibreOffice (.odt, .odp, .ods),
Excel (.xlsx, old .xls), CSV, RTF, EPUB, text files not in UTF-8; the French refusals of old binary
Office files, protected and damaged ones; and the whole pipeline on a folder of them."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from assistant.errors import LoadError
from assistant.settings import Settings
from assistant.store import Store
from ingest.archives import OLE_MAGIC
from ingest.clean import clean_sections
from ingest.loaders import load
from ingest.metadata import build_doc_meta
from ingest.pipeline import ingest
from ingest.spreadsheets import sheet_text
from tests.make_office_docs import make_epub, make_odp, make_ods, make_odt, make_rtf, make_xls, make_xlsx


def _cleaned(path: Path):  # type: ignore[no-untyped-def]
    doc = load(path)
    return doc, clean_sections(doc.sections)


def _lines(text: str) -> list[str]:
    return [ln for ln in text.split("\n") if ln]


# -- LibreOffice Writer ------------------------------------------------------------------------
def test_odt_headings_lists_tables_and_notes(tmp_path: Path) -> None:
    path = make_odt(tmp_path / "fiche.odt", [
        ("title", "Le défi des gobelets"),
        ("toc", ["Matériel", "Déroulement"]),
        ("p", "Niveau : CE2"),
        ("h1", "Matériel"),
        ("li", ["Vingt gobelets en carton", "Un chronomètre"]),
        ("h1", "Déroulement"),
        ("h2", "Phase 1 (10 min)"),
        ("note", ("Les élèves construisent une tour sans se parler.", "Inspiré d'un jeu coopératif.")),
        ("p", "Le déroulé suit trois étapes :"),
        ("ol", ["Accueillir.", "Construire.", "Débattre."]),
        ("table", [["Phase", "Durée"], ["Accueil", "5 min"], ["Tour", "10 min"]]),
        ("h2", "Phase 2"),
        ("table", [["Moment", "Rituel", "Durée", "Adulte"], ["Accueil", "Météo des émotions", "10 min", "Enseignant"]]),
    ])
    doc, sections = _cleaned(path)
    assert doc.title == "Le défi des gobelets"
    assert sections[0].heading_path == () and sections[0].text == "Niveau : CE2"  # the table of contents is skipped
    assert [s for s in sections if s.heading_path == ("Matériel",)][0].text == "- Vingt gobelets en carton\n- Un chronomètre"
    step = [s for s in sections if s.heading_path == ("Déroulement", "Phase 1 (10 min)")][0]
    lines = _lines(step.text)
    assert lines[:2] == ["Les élèves construisent une tour sans se parler.", "Note : Inspiré d'un jeu coopératif."]
    start = lines.index("Le déroulé suit trois étapes :")
    assert lines[start + 1:start + 4] == ["1. Accueillir.", "2. Construire.", "3. Débattre."]
    assert lines[-4:] == ["| Phase | Durée |", "| --- | --- |", "| Accueil | 5 min |", "| Tour | 10 min |"]
    wide = [s for s in sections if s.heading_path == ("Déroulement", "Phase 2")][0]
    assert wide.text == "- Moment : Accueil ; Rituel : Météo des émotions ; Durée : 10 min ; Adulte : Enseignant"


def test_odt_title_from_metadata_else_first_heading(tmp_path: Path) -> None:
    with_meta = make_odt(tmp_path / "a.odt", [("h1", "Guide du conseil"), ("p", "Texte du guide.")], title="Titre des propriétés")
    assert load(with_meta).title == "Titre des propriétés"
    without = make_odt(tmp_path / "b.odt", [("h1", "Guide du conseil"), ("h2", "Préparer"), ("p", "Texte du guide.")])
    doc = load(without)
    assert doc.title == "Guide du conseil"
    assert doc.sections[0].heading_path == ("Préparer",)  # the title heading is the title, not a section


def test_odt_numbered_heading_keeps_its_number(tmp_path: Path) -> None:
    from odfdo import Document, Element, Header, Paragraph

    document = Document("text")
    heading = Header(2, "")
    heading.append(Element.from_tag("<text:number>1.2</text:number>"))
    heading.append("Les règles de vie")
    # LibreOffice writes outline-numbered headings as items of a list.
    outline = Element.from_tag('<text:list text:style-name="Outline"><text:list-item><text:h text:outline-level="2">'
                               "La récréation</text:h></text:list-item></text:list>")
    document.body.extend([Header(1, "Guide"), heading, Paragraph("On lève la main pour parler."),
                          outline, Paragraph("On joue ensemble.")])
    document.save(str(tmp_path / "guide.odt"))
    sections = load(tmp_path / "guide.odt").sections
    assert [(s.heading_path, s.text) for s in sections] == [
        (("1.2 Les règles de vie",), "On lève la main pour parler."), (("La récréation",), "On joue ensemble.")]


# -- LibreOffice Impress -----------------------------------------------------------------------
def test_odp_slides_titles_notes_and_table(tmp_path: Path) -> None:
    path = make_odp(tmp_path / "formation.odp", [
        ("Savoir intervenir", ["Méthodes interactives", "Posture éducative"], "Insister sur la posture bienveillante."),
        ("Déploiement", ["91 écoles", "Évaluation externe"], None),
    ], title="Retour d'expériences", table=[["Indicateur", "Valeur"], ["Écoles", "91"], ["Enseignants", "499"]])
    doc, sections = _cleaned(path)
    assert doc.title == "Retour d'expériences"
    assert [(s.slide, s.heading_path) for s in sections] == [(1, ("Savoir intervenir",)), (2, ("Déploiement",)), (3, ())]
    assert sections[0].text.split("\n") == [
        "- Méthodes interactives", "- Posture éducative", "Notes : Insister sur la posture bienveillante."]
    assert sections[2].text.split("\n") == ["| Indicateur | Valeur |", "| --- | --- |", "| Écoles | 91 |", "| Enseignants | 499 |"]
    assert build_doc_meta(doc, "docs/formation.odp", ".odp").doc_type == "presentation"
    # Without a title of its own, the deck is named by its first slide, not by its template's placeholder.
    untitled = make_odp(tmp_path / "sans-titre.odp", [("Le message clair", ["Trois étapes"], None)])
    assert load(untitled).title == "Le message clair"


# -- spreadsheets ------------------------------------------------------------------------------
def test_xlsx_one_section_per_visible_sheet(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "suivi.xlsx", {
        "Planning": [
            ["Planning des séances 2025"], [],
            ["Séance", None, "Date", "Durée (min)"],  # an empty column in the middle
            ["Météo des émotions", None, dt.date(2025, 3, 4), 45],
            ["Message clair", None, dt.datetime(2025, 3, 11, 14, 30), 30.5],
            [], [],
            ["Boîte à soucis", None, dt.date(2025, 3, 18), 40],  # the same table after empty rows
        ],
        "Vide": [],
        "Listes": [["code", "libellé"], ["A", "secret de calcul"]],
        "Budget": [["Poste", "Montant", "Financeur", "Commentaire"], ["Formation", 1200.5, "ARS", "deux jours"],
                   ["Matériel", 300, "Mairie", None]],
    }, title="Suivi CPS 2025", hidden=("Listes",))
    doc, sections = _cleaned(path)
    assert doc.title == "Suivi CPS 2025"
    assert [s.heading_path for s in sections] == [("Planning",), ("Budget",)]  # empty and hidden sheets skipped
    assert _lines(sections[0].text) == [
        "Planning des séances 2025",
        "| Séance | Date | Durée (min) |", "| --- | --- | --- |",
        "| Météo des émotions | 04/03/2025 | 45 |", "| Message clair | 11/03/2025 14:30 | 30,5 |",
        "| Boîte à soucis | 18/03/2025 | 40 |",
    ]
    assert _lines(sections[1].text) == [
        "- Poste : Formation ; Montant : 1200,5 ; Financeur : ARS ; Commentaire : deux jours",
        "- Poste : Matériel ; Montant : 300 ; Financeur : Mairie",
    ]


def test_large_sheet_is_capped_and_says_so() -> None:
    rows = [["Élève", "Remarque"]] + [[f"Élève {i}", f"remarque {i}"] for i in range(50)]
    text = sheet_text(rows, max_rows=10)
    assert "| Élève 8 | remarque 8 |" in text and "Élève 9 " not in text
    assert text.endswith("(feuille tronquée : 10 lignes indexées sur 51)")


def test_ods_and_old_xls(tmp_path: Path) -> None:
    ods = make_ods(tmp_path / "inscriptions.ods", {"Inscriptions": [["École", "Classes"], ["Jules Ferry", 4], ["Les Tilleuls", 2]]})
    doc, sections = _cleaned(ods)
    assert [s.heading_path for s in sections] == [("Inscriptions",)]
    assert _lines(sections[0].text) == ["| École | Classes |", "| --- | --- |", "| Jules Ferry | 4 |", "| Les Tilleuls | 2 |"]
    xls = make_xls(tmp_path / "ancien.xls", {"Séances": [["Séance", "Date"], ["Météo des émotions", dt.date(2025, 3, 4)]]})
    doc, sections = _cleaned(xls)
    assert [s.heading_path for s in sections] == [("Séances",)]
    assert "| Météo des émotions | 04/03/2025 |" in sections[0].text


def test_xls_exports_of_web_tools_and_renamed_workbooks(tmp_path: Path) -> None:
    """What school software exports as ".xls" is often an HTML table or tab-separated text; and a
    workbook saved under the wrong extension is still a workbook."""
    page = tmp_path / "export-eleves.xls"
    page.write_bytes("<html><head><meta charset='windows-1252'><title>Export des élèves</title></head><body><table>"
                     "<tr><th>Élève</th><th>Classe</th></tr><tr><td>Léa</td><td>CE2</td></tr></table></body></html>"
                     .encode("cp1252"))
    doc, sections = _cleaned(page)
    assert doc.title == "Export des élèves"
    assert [ln.replace(" ", "") for ln in _lines(sections[0].text)][::2] == ["|Élève|Classe|", "|Léa|CE2|"]
    tabbed = tmp_path / "export-texte.xls"
    tabbed.write_bytes("Élève\tClasse\nLéa\tCE2\n".encode("cp1252"))
    assert _lines(_cleaned(tabbed)[1][0].text) == ["| Élève | Classe |", "| --- | --- |", "| Léa | CE2 |"]
    xml2003 = tmp_path / "export-xml.xls"
    xml2003.write_text('<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
                       '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>', encoding="utf-8")
    with pytest.raises(LoadError, match="XML 2003.*enregistrez-le au format .xlsx ou .ods"):
        load(xml2003)
    old = make_xls(tmp_path / "ancien.xls", {"Séances": [["Séance", "Date"], ["Météo des émotions", dt.date(2025, 3, 4)]]})
    renamed = tmp_path / "ancien.xlsx"
    renamed.write_bytes(old.read_bytes())
    newer = make_xlsx(tmp_path / "recent.xlsx", {"Feuille1": [["Séance", "Date"], ["Message clair", dt.date(2025, 3, 11)]]})
    renamed_newer = tmp_path / "recent.xls"
    renamed_newer.write_bytes(newer.read_bytes())
    assert "| Météo des émotions | 04/03/2025 |" in load(renamed).sections[0].text
    assert "| Message clair | 11/03/2025 |" in load(renamed_newer).sections[0].text


@pytest.mark.parametrize(("content", "encoding"), [
    ("Élève;Compétence;Remarque\nLéa;Gérer ses émotions;très à l'aise\nNoé;Coopérer;« progrès »\n", "cp1252"),
    ('Élève,Compétence,Remarque\nLéa,Gérer ses émotions,très à l\'aise\nNoé,Coopérer,"« progrès »"\n', "utf-8"),
    ("Élève\tCompétence\tRemarque\nLéa\tGérer ses émotions\ttrès à l'aise\nNoé\tCoopérer\t« progrès »\n", "utf-16"),
])
def test_csv_delimiters_and_encodings(tmp_path: Path, content: str, encoding: str) -> None:
    path = tmp_path / "bilan.csv"
    path.write_bytes(content.encode(encoding))
    _csv_reads_as_the_table(path)


def _csv_reads_as_the_table(path: Path) -> None:
    doc, sections = _cleaned(path)
    assert _lines(sections[0].text) == [
        "| Élève | Compétence | Remarque |", "| --- | --- | --- |",
        "| Léa | Gérer ses émotions | très à l'aise |", "| Noé | Coopérer | « progrès » |",
    ]


def test_csv_with_excel_separator_line(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("sep=|\r\nÉlève|Compétence|Remarque\r\nLéa|Gérer ses émotions|très à l'aise\r\n"
                     "Noé|Coopérer|« progrès »\r\n".encode("cp1252"))
    _csv_reads_as_the_table(path)


# -- RTF and EPUB ------------------------------------------------------------------------------
def test_rtf_headings_accents_and_title(tmp_path: Path) -> None:
    path = make_rtf(tmp_path / "charte.rtf", [
        ("h1", "La médiation par les pairs"),
        ("p", "Deux élèves médiateurs aident leurs camarades à résoudre un conflit – sans juger."),
        ("h2", "Les règles"),
        ("p", "On écoute sans interrompre ; on ne se moque pas ; ce qui est dit reste entre nous."),
        ("li", "un gilet jaune"), ("li", "un carnet de bord"),
        ("table", "Étape|Durée;Accueil|5 min;Écoute|10 min"),
        ("p", "Après le tableau."),
    ], title="Charte de la médiation")
    doc, sections = _cleaned(path)
    assert doc.title == "Charte de la médiation"
    assert sections[0].heading_path == () and "résoudre un conflit – sans juger" in sections[0].text
    assert sections[1].heading_path == ("Les règles",)
    assert _lines(sections[1].text) == [
        "On écoute sans interrompre ; on ne se moque pas ; ce qui est dit reste entre nous.",
        "- un gilet jaune", "- un carnet de bord",
        "| Étape | Durée |", "| --- | --- |", "| Accueil | 5 min |", "| Écoute | 10 min |", "Après le tableau.",
    ]


@pytest.mark.parametrize("toc", ["nav+ncx", "nav", "ncx"])
def test_epub_one_part_per_chapter_with_its_title(tmp_path: Path, toc: str) -> None:
    path = make_epub(tmp_path / "guide.epub", [
        ("Chapitre 1 : Le conseil d'élèves",
         "<h1>Le conseil d'élèves</h1><p>Chaque vendredi, les élèves se réunissent pour parler des règles de vie.</p>"
         "<h2>Préparer le conseil</h2><p>L'enseignant affiche l'ordre du jour la veille.</p>"),
        ("Chapitre 2 : La boîte à soucis",
         "<p>La boîte à soucis recueille les inquiétudes des enfants.</p><ul><li>un papier par souci</li>"
         "<li>lecture par l'adulte seul</li></ul>"),
        (None, "<p>La suite du chapitre 2, dans un second fichier : la boîte est vidée chaque semaine.</p>"),
    ], title="Guide des rituels", toc=toc)
    doc, sections = _cleaned(path)
    assert doc.title == "Guide des rituels"
    assert [s.heading_path for s in sections] == [
        ("Chapitre 1 : Le conseil d'élèves",), ("Chapitre 1 : Le conseil d'élèves", "Préparer le conseil"),
        ("Chapitre 2 : La boîte à soucis",), ("Chapitre 2 : La boîte à soucis",),
    ]
    assert _lines(sections[2].text)[1:] == ["- un papier par souci", "- lecture par l'adulte seul"]
    assert not any("Guide des rituels" in s.text for s in sections)  # the navigation document is skipped


# -- text files not in UTF-8 -------------------------------------------------------------------
SENTENCE = "Les élèves coopèrent à l'école ; « ça marche » – déjà, cœur."


@pytest.mark.parametrize(("text", "encoding"), [
    (SENTENCE, "cp1252"), (SENTENCE, "utf-16"), (SENTENCE, "utf-8-sig"),
    (SENTENCE.replace("–", "-"), "mac_roman"),  # no en dash in Mac Roman
    ("Un été à la mer, où êtes-vous ?", "cp850"),
    # Short phrases dense in accents, which charset detection alone reads as Big5 or cp850:
    ("élève", "cp1252"), ("Là où il était, déjà ça", "latin-1"),
    # A family's language, not a Western code page:
    ("Здравствуйте, дорогие родители! Урок будет завтра.", "cp1251"),
])
def test_text_in_legacy_encodings(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(text.encode(encoding))
    assert load(path).sections[0].text == text


def test_short_latin1_markdown_and_cp1252_subtitles(tmp_path: Path) -> None:
    md = tmp_path / "fiche.md"
    md.write_bytes("---\ntitre: Élève médiateur\n---\n# Élève médiateur\n\n## Déroulement\n\nÀ deux.\n".encode("latin-1"))
    doc = load(md)
    assert doc.front_matter["titre"] == "Élève médiateur" and doc.sections[0].text == "À deux."
    srt = tmp_path / "entretien.srt"
    srt.write_bytes("1\n00:01:05,000 --> 00:01:09,000\nLes élèves ont adoré « la météo ».\n".encode("cp1252"))
    section = load(srt).sections[0]
    assert section.timestamp == "01:05" and section.text == "Les élèves ont adoré « la météo »."


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_with_a_stray_byte_keeps_its_accents(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "melange.txt"
    path.write_bytes(bom + "Les élèves préparent la séance.".encode() + b" Co\xefncidence.")
    text = load(path).sections[0].text
    assert text.startswith("Les élèves préparent la séance.") and "\ufffd" in text


def test_binary_renamed_txt_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(1, 256)) * 8)  # no NUL byte: only the charset check can refuse it
    with pytest.raises(LoadError, match="aucun encodage"):
        load(path)


# -- refusals: old binary formats, protected and damaged files ---------------------------------
@pytest.mark.parametrize(("name", "expected"), [
    ("ancien.doc", r"\.docx ou \.odt puis relancez l'ingestion"),
    ("ancien.ppt", r"\.pptx ou \.odp puis relancez l'ingestion"),
])
def test_old_binary_word_and_powerpoint_say_what_to_do(tmp_path: Path, name: str, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(OLE_MAGIC + bytes(2000))
    with pytest.raises(LoadError, match=expected):
        load(path)


def test_doc_and_ppt_that_are_not_the_binary_format_are_read(tmp_path: Path) -> None:
    from tests.make_docs import make_docx, make_pptx

    rtf = make_rtf(tmp_path / "fiche-rtf.doc", [("p", "Une fiche enregistrée en RTF sous un nom en .doc.")])
    assert load(rtf).sections[0].text == "Une fiche enregistrée en RTF sous un nom en .doc."
    renamed = make_docx(tmp_path / "fiche-docx.doc", [("h1", "Guide"), ("h2", "Accueil"), ("p", "Les élèves arrivent.")])
    assert [(s.heading_path, s.text) for s in load(renamed).sections] == [(("Accueil",), "Les élèves arrivent.")]
    deck = make_pptx(tmp_path / "diaporama.ppt", [("L'écoute active", ["Reformuler"])])
    assert [(s.slide, s.heading_path) for s in load(deck).sections] == [(1, ("L'écoute active",))]


def _rezip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, replace.get(item.filename, src.read(item)))
        for name, data in replace.items():
            if name not in src.namelist():
                dst.writestr(name, data)
    return target


def test_protected_and_mislabelled_files_are_named(tmp_path: Path) -> None:
    odt = make_odt(tmp_path / "ok.odt", [("p", "Texte.")])
    with zipfile.ZipFile(odt) as archive:
        manifest = archive.read("META-INF/manifest.xml")
    encrypted_manifest = manifest.replace(
        b'manifest:full-path="content.xml" manifest:media-type="text/xml"/>',
        b'manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K" '
        b'manifest:checksum="x"/></manifest:file-entry>')
    assert encrypted_manifest != manifest
    locked = _rezip(odt, tmp_path / "verrouille.odt", {"META-INF/manifest.xml": encrypted_manifest,
                                                       "content.xml": bytes(range(256))})
    with pytest.raises(LoadError, match="protégé par un mot de passe"):
        load(locked)
    # Excel, Word and PowerPoint wrap a protected file in an encrypted OLE container.
    protected = tmp_path / "notes.xlsx"
    protected.write_bytes(OLE_MAGIC + bytes(600) + "EncryptedPackage".encode("utf-16-le") + bytes(600))
    with pytest.raises(LoadError, match="protégé par un mot de passe"):
        load(protected)
    renamed = tmp_path / "rapport.docx"
    renamed.write_bytes(OLE_MAGIC + bytes(2000))
    with pytest.raises(LoadError, match="ancien format binaire"):
        load(renamed)
    spreadsheet = make_ods(tmp_path / "classeur.ods", {"Feuille1": [["a", "b"]]})
    wrong = tmp_path / "classeur.odt"
    wrong.write_bytes(spreadsheet.read_bytes())
    with pytest.raises(LoadError, match="contient en fait un classeur : renommez-le en .ods"):
        load(wrong)
    book = make_epub(tmp_path / "livre.epub", [("Chapitre", "<p>Texte du chapitre.</p>")], title="Livre")
    drm = _rezip(book, tmp_path / "drm.epub", {"META-INF/encryption.xml": (
        b'<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><EncryptedData>'
        b'<CipherData><CipherReference URI="EPUB/chap1.xhtml"/></CipherData></EncryptedData></encryption>')})
    with pytest.raises(LoadError, match="DRM"):
        load(drm)


@pytest.fixture
def genuine_files(tmp_path: Path) -> dict[str, Path]:
    return {
        "odt": make_odt(tmp_path / "g.odt", [("h1", "Titre"), ("p", "Les élèves imitent un geste.")]),
        "odp": make_odp(tmp_path / "g.odp", [("Le miroir", ["Les élèves imitent un geste."], None)]),
        "ods": make_ods(tmp_path / "g.ods", {"Feuille1": [["Phase", "Durée"], ["Accueil", 5]]}),
        "xlsx": make_xlsx(tmp_path / "g.xlsx", {"Feuille1": [["Phase", "Durée"], ["Accueil", 5]]}),
        "epub": make_epub(tmp_path / "g.epub", [("Chapitre", "<p>Les élèves imitent un geste.</p>")], title="Miroir"),
    }


@pytest.mark.parametrize("kind", ["odt", "odp", "ods", "xlsx", "epub"])
def test_truncated_or_foreign_zip_is_a_french_error(tmp_path: Path, genuine_files: dict[str, Path], kind: str) -> None:
    data = genuine_files[kind].read_bytes()
    truncated = tmp_path / f"tronque.{kind}"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(LoadError, match="abîmé ou tronqué"):
        load(truncated)
    foreign = tmp_path / f"autre.{kind}"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("bonjour.txt", "ceci n'est pas un document")
    with pytest.raises(LoadError, match="n'est pas un|lisible"):
        load(foreign)


# -- the pipeline -------------------------------------------------------------------------------
def test_new_formats_through_the_pipeline_next_to_a_bad_file(tmp_path: Path, settings: Settings, fake_embeddings) -> None:  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs"
    docs.mkdir()
    make_odp(docs / "formation.odp", [("Accueil", ["Présentation du programme"], None),
                                      ("Écoute active", ["Reformuler", "Questionner"], None)])
    make_xlsx(docs / "planning.xlsx", {"Calendrier": [["Séance", "Date"], ["Gestion du stress", dt.date(2025, 5, 6)]]})
    make_odt(docs / "guide.odt", [("h1", "Guide"), ("h2", "Médiation"), ("p", "Deux médiateurs par classe.")])
    (docs / "bilan.csv").write_bytes("Item;Réponse\nClimat de classe;amélioré\n".encode("cp1252"))
    (docs / "cassé.xlsx").write_bytes(make_xlsx(tmp_path / "x.xlsx", {"A": [["a", "b"]]}).read_bytes()[:200])
    (docs / "ancien.doc").write_bytes(OLE_MAGIC + bytes(1000))
    (docs / "~$guide.odt").write_bytes(b"\x05moi" + bytes(157))  # Office's owner file while the guide is open
    (docs / "Thumbs.db").write_bytes(OLE_MAGIC + bytes(500))
    report = ingest([docs], settings, fake_embeddings)
    failed = {Path(p).name: reason for p, reason in report.failed}
    assert set(failed) == {"cassé.xlsx", "ancien.doc"} and "tronqué" in failed["cassé.xlsx"]  # clutter skipped
    assert sorted(report.added) == ["docs/bilan.csv", "docs/formation.odp", "docs/guide.odt", "docs/planning.xlsx"]
    locators = {(c.doc.source, c.locator) for c in Store(settings.store).read_chunks()}
    assert ("docs/formation.odp", "diapo 2 · § Écoute active") in locators
    assert ("docs/planning.xlsx", "§ Calendrier") in locators
    assert ("docs/guide.odt", "§ Médiation") in locators
    assert any(source == "docs/bilan.csv" for source, _ in locators)


@pytest.mark.integration
def test_each_new_format_is_found_and_cited(tmp_path: Path, bundled_embeddings) -> None:  # type: ignore[no-untyped-def]
    """Real model, a small library with one file per new format: a question about each file's
    content is answered with a citation of that file."""
    from assistant.core import Assistant

    docs = tmp_path / "bibliotheque"
    docs.mkdir()
    make_odt(docs / "jardin-des-emotions.odt", [
        ("h1", "Le jardin des émotions"), ("h2", "Déroulement"),
        ("p", "Chaque élève plante une graine de tournesol dans un pot et colle sur le pot l'étiquette de l'émotion "
              "qu'il ressent ce matin ; chaque semaine, la classe observe les pousses et en parle."),
    ])
    make_odp(docs / "formation-ecoute-active.odp", [
        ("Ouverture", ["Tour de table des stagiaires"], None),
        ("L'écoute active", ["Reformuler ce que l'enfant a dit", "Nommer l'émotion perçue",
                             "Poser une question ouverte"], "Faire jouer la scène en binômes."),
    ])
    make_xlsx(docs / "calendrier-ateliers.xlsx", {"Calendrier": [
        ["Atelier", "Date", "Animateur"],
        ["Gestion du stress par la respiration du hérisson", dt.date(2025, 5, 6), "Infirmière scolaire"],
        ["Jeu coopératif du parachute", dt.date(2025, 5, 13), "Professeur d'EPS"],
    ]})
    make_ods(docs / "budget-projet.ods", {"Budget": [
        ["Dépense", "Montant", "Financeur"],
        ["Formation des enseignants aux compétences psychosociales", 2400, "Agence régionale de santé"],
        ["Achat de jeux coopératifs", 350, "Association des parents"],
    ]})
    (docs / "questionnaire-parents.csv").write_bytes((
        "Question;Réponse la plus fréquente\n"
        "Votre enfant parle-t-il davantage de ses émotions à la maison ?;Oui, souvent depuis le début de l'année\n"
        "Avez-vous remarqué moins de disputes entre frères et sœurs ?;Un peu moins\n").encode("cp1252"))
    make_rtf(docs / "charte-mediation.rtf", [
        ("h1", "Charte des médiateurs de la cour"),
        ("p", "Les médiateurs portent un gilet jaune pendant la récréation ; ils écoutent les deux élèves en conflit "
              "sans prendre parti et les aident à trouver eux-mêmes une solution."),
    ], title="Charte des médiateurs de la cour")
    make_epub(docs / "guide-conseil-eleves.epub", [
        ("Chapitre 1 : Le conseil d'élèves",
         "<h1>Le conseil d'élèves</h1><p>Le conseil d'élèves se réunit chaque vendredi après-midi : un président de "
         "séance donne la parole, un secrétaire note les décisions dans le cahier du conseil.</p>"),
    ], title="Guide du conseil d'élèves")
    (docs / "notes-reunion.txt").write_bytes(
        "Réunion de l'équipe : la boîte à soucis sera installée près de la bibliothèque de la classe, "
        "les élèves y déposent un papier quand quelque chose les inquiète.".encode("cp1252"))

    settings = Settings(store=tmp_path / "store")
    report = ingest([docs], settings, bundled_embeddings)
    assert report.ok, report.summary()
    assistant = Assistant.from_settings(settings, embeddings=bundled_embeddings)
    questions = {
        "jardin-des-emotions.odt": "Que plantent les élèves dans le jardin des émotions ?",
        "formation-ecoute-active.odp": "Comment pratiquer l'écoute active avec un enfant ?",
        "calendrier-ateliers.xlsx": "Qui anime l'atelier de gestion du stress par la respiration du hérisson ?",
        "budget-projet.ods": "Qui finance la formation des enseignants aux compétences psychosociales ?",
        "questionnaire-parents.csv": "Les enfants parlent-ils davantage de leurs émotions à la maison selon les parents ?",
        "charte-mediation.rtf": "Que font les médiateurs de la cour pendant la récréation ?",
        "guide-conseil-eleves.epub": "Qui donne la parole pendant le conseil d'élèves ?",
        "notes-reunion.txt": "Où sera installée la boîte à soucis ?",
    }
    missed = {}
    for name, question in questions.items():
        answer = assistant.ask(question)
        cited = [c.source for c in answer.citations]
        if answer.abstained or cited[:1] != [f"bibliotheque/{name}"]:  # the file itself comes first
            missed[name] = (answer.abstained, cited)
    assert not missed, missed
    locators = {c.source: c.locator for c in assistant.ask(questions["calendrier-ateliers.xlsx"]).citations}
    assert locators["bibliotheque/calendrier-ateliers.xlsx"] == "§ Calendrier"
