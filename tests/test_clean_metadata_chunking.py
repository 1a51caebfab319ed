"""Pure functions: cleaning, metadata inference, chunking, vocabulary."""

from __future__ import annotations

from assistant.schema import DocMeta, LoadedDocument, Section
from assistant.vocabulary import competence_from_label, cycles_of, levels_in_text, normalise_levels
from ingest.chunking import chunk_sections, split_text
from ingest.clean import clean_sections, clean_text, drop_repeated_lines, join_wrapped_lines, remove_repeated_page_lines
from ingest.metadata import build_doc_meta


def test_clean_text_undoes_hyphenation_and_normalises() -> None:
    raw = "Les compé-\ntences psycho\u00adsociales\u00a0: ﬁn  de   ligne\r\nSaint-\nNazaire"
    text = clean_text(raw)
    assert "compétences" in text
    assert "fin de ligne" in text
    assert "Saint-\nNazaire" in text  # a capitalised second part is a real hyphenated name


def test_a_nested_list_item_keeps_one_level_of_indentation() -> None:
    raw = "- Une affiche des « phrases outils » :\n    - « Si j'ai bien compris... »\n\t1. Deuxième\n   Suite d'un paragraphe"
    assert clean_text(raw).split("\n") == ["- Une affiche des « phrases outils » :", "  - « Si j'ai bien compris... »",
                                            "  1. Deuxième", "Suite d'un paragraphe"]


def test_a_link_to_another_file_of_the_library_reads_as_its_words() -> None:
    raw = ("Voir la fiche [Que faire quand un enfant révèle une situation de danger](../../protection/que-faire.md). "
           "Site : [le cartable](https://www.cartablecps.org) ; [plus bas](#ressources).")
    assert clean_text(raw) == ("Voir la fiche « Que faire quand un enfant révèle une situation de danger ». "
                               "Site : [le cartable](https://www.cartablecps.org) ; [plus bas](#ressources).")


def test_repeated_footer_removed_only_when_repeated() -> None:
    topics = ["les émotions", "la coopération", "le stress", "la décision"]
    pages = [Section(f"En santé à l'école\nCette page parle de {t}.\nPage {i}", page=i) for i, t in enumerate(topics, 1)]
    cleaned = remove_repeated_page_lines(pages)
    assert [s.text for s in cleaned] == [f"Cette page parle de {t}." for t in topics]
    # two pages: a first line repeated as first line, a last line as last line (digits aside) are the running lines
    two_pages = pages[:2]
    assert [s.text for s in remove_repeated_page_lines(two_pages)] == [f"Cette page parle de {t}." for t in topics[:2]]
    # but a line found at the top of one page and the bottom of the other is left, as is a single page
    mixed = [Section("Sommaire\nLes émotions.", page=1), Section("La coopération.\nSommaire", page=2)]
    assert remove_repeated_page_lines(mixed) == mixed
    assert remove_repeated_page_lines(pages[:1]) == pages[:1]


def test_levels_and_cycles() -> None:
    assert levels_in_text("Une séance pour la grande section ?") == ["GS"]
    assert levels_in_text("une activité pour mes moyens section") == ["MS"] and levels_in_text("en petits-section") == ["PS"]
    assert levels_in_text("en CE1 et au collège") == ["CE1", "6e", "5e", "4e", "3e"]
    assert normalise_levels(["cycle 3"]) == ["CM1", "CM2", "6e"]
    assert cycles_of(["CE1", "6e"]) == [2, 3]
    assert levels_in_text("Comment gérer la colère ?") == []
    # lower-case sections only where a class is expected: « ps » alone may be a post-scriptum
    assert levels_in_text("activité de coopération en gs") == ["GS"] and levels_in_text("une classe ms-gs") == ["MS", "GS"]
    assert levels_in_text("ps : merci") == [] and levels_in_text("le ps est parti") == []
    assert levels_in_text("en ps, ms et gs") == ["PS", "MS", "GS"] and levels_in_text("un texte de ms word") == []
    # a second tryout's « activite gs pour reconnaitre les sensations du corps » got a CP-CE1 sheet with no word on it
    assert levels_in_text("activite gs pour reconnaitre les sensations") == ["GS"] and levels_in_text("gs: ils tapent") == ["GS"]
    assert levels_in_text("ps: je vous envoie la fiche") == []
    # two sections typed side by side (a tryout's « ms gs double niveau… » named no class)
    assert levels_in_text("ms gs double niveau, activite pour reparer") == ["MS", "GS"]
    # a section counted in pupils (a tryout's « gs 25 eleves : un petit jeu… » named no class and got a CE1-CE2 sheet)
    assert levels_in_text("gs 25 eleves : un petit jeu tous les matins") == ["GS"]
    assert levels_in_text("une ps de 28 enfants") == ["PS"]
    assert levels_in_text("gs ils veulent tous etre le chef dans les jeux") == ["GS"]
    assert levels_in_text("ps je vous envoie la fiche") == [] and levels_in_text("ms on a un souci") == ["MS"]
    # a stage counts only when none of its classes is named: the class named is the precise answer
    assert levels_in_text("infirmière en collège, un atelier avec des 3e ?") == ["3e"]
    assert levels_in_text("en maternelle, avec mes MS") == ["MS"] and levels_in_text("en maternelle") == ["PS", "MS", "GS"]
    # a stage the pupils are going to is no class of theirs when one is named (a tryout's CM2 afraid of going to collège
    # got a 3e sheet on the brevet)
    assert levels_in_text("CM2 en juin, ils ont peur d'aller au collège") == ["CM2"]
    assert levels_in_text("mes élèves vont entrer au collège") == ["6e", "5e", "4e", "3e"]


def test_children_described_by_their_age_are_in_the_class_of_that_age() -> None:
    # Parents and newcomers give an age, not a class: « une activité pour des enfants de 6 ans » asks for CP.
    assert levels_in_text("une activité sur la colère pour des enfants de 6 ans") == ["CP"]
    assert levels_in_text("ma fille de 9 ans") == ["CM1"] and levels_in_text("des élèves de 8 à 10 ans") == ["CE2", "CM1", "CM2"]
    assert levels_in_text("comment adapter pour des tout-petits ?") == ["PS"]
    # the class named is the precise answer; a time or a lycée age names no class
    assert levels_in_text("mes CE2 (des enfants de 8 ans)") == ["CE2"]
    assert levels_in_text("depuis 3 ans") == [] and levels_in_text("des jeunes de 16 ans") == []
    # a span wider than a school stage (« enfants et jeunes de 3 à 25 ans ») is no class
    assert levels_in_text("Public : enfants et jeunes de 3 à 25 ans") == []
    # a sheet whose public line gives ages is tagged with their classes at ingestion
    from ingest.metadata import infer_levels

    assert infer_levels("# Jeu\n\n**Public** : enfants de 6 à 8 ans\n**Durée** : 30 min\n", "jeu.md") == ["CP", "CE1", "CE2"]


def test_an_ordinal_is_not_a_class() -> None:
    for text in ("le quatrième volume sort quand ?", "la troisième séance", "au 3e trimestre", "et la troisième ?",
                 "le 4e volume des kits"):
        assert levels_in_text(text) == [], text
    assert levels_in_text("en quatrième") == ["4e"] and levels_in_text("la 4e B est difficile") == ["4e"]
    assert levels_in_text("les quatrièmes sont fatigués") == ["4e"] and levels_in_text("mes 3e, une séance ?") == ["3e"]


def test_lycee_classes_are_recognised_though_no_sheet_can_be_tagged_for_them() -> None:
    from assistant.vocabulary import names_lycee

    assert names_lycee("une séance pour mes élèves de seconde au lycée") and names_lycee("en terminale")
    assert names_lycee("en terminale ils se clashent") and names_lycee("en première j'ai des élèves stressés")
    assert not names_lycee("attendre une seconde") and not names_lycee("la première séance")
    for text in ("pour mes premières séances en CP", "en seconde partie de séance", "de première nécessité", "la phase terminale du jeu"):
        assert not names_lycee(text), text


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


def test_fields_written_on_one_line_make_a_session_sheet_but_a_spreadsheet_never_is_one() -> None:
    sheet = LoadedDocument([Section("Niveau : CE2, CM1. Durée : 40 minutes. Compétence : communiquer de façon "
                                    "constructive (écoute active).\n- Attendre son tour de parole.")])
    meta = build_doc_meta(sheet, "ecole/baton-de-parole.docx", ".docx")
    assert (meta.doc_type, meta.levels, meta.duration) == ("seance", ("CE2", "CM1"), "40 min")
    assert meta.competences == ("communiquer",)
    planning = LoadedDocument([Section("| Classe | Séance | Date |\n| --- | --- | --- |\n| CP | Météo | 12/09 |")])
    assert build_doc_meta(planning, "ecole/planning-seances-cps.xlsx", ".xlsx").doc_type == "autre"
    # « ; en appui : » inside a value is not a new field
    both = LoadedDocument([Section("Compétence(s) visée(s) : Gérer son stress ; en appui : Avoir conscience de ses émotions")])
    assert build_doc_meta(both, "x/fiche.docx", ".docx").competences == ("gerer_stress", "conscience_emotions")


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


GUIDE_RULES = """On pose trois règles au début de chaque séance, et on les affiche dans la classe pour pouvoir y revenir facilement quand un élève les oublie ou quand un nouvel élève arrive en cours d'année.

1. « On écoute celui qui parle. »
2. « Chacun participe comme il le souhaite. »
3. « Ce qui est raconté reste dans la classe. »

Deux précisions sont indispensables.

- La participation libre n'est pas l'absence de participation : l'enfant qui passe son tour reste dans le groupe.
- La confidentialité a une limite, et il faut la dire dès le départ : un enfant en danger doit être protégé.

Il est utile aussi de convenir d'un signal de silence non verbal et d'un objet de parole."""


def test_a_list_stays_with_the_sentence_that_announces_it() -> None:
    pieces = split_text(GUIDE_RULES, chunk_size=420, overlap=60)
    with_list = [p for p in pieces if "Deux précisions sont indispensables." in p]
    assert len(with_list) == 1
    assert "La participation libre" in with_list[0] and "La confidentialité a une limite" in with_list[0]
    assert not any(p.rstrip().endswith(("indispensables.", ":")) for p in pieces)
    numbered = [p for p in pieces if "1. « On écoute" in p][0]
    assert "On pose trois règles" in numbered and "3. « Ce qui est raconté" in numbered
    assert all(len(p) <= 420 for p in pieces)


def test_no_line_is_repeated_across_chunks() -> None:
    paragraphs = [f"Paragraphe {i} : les élèves de la classe racontent une situation vécue pendant la récréation." for i in range(30)]
    pieces = split_text("\n\n".join(paragraphs), chunk_size=400, overlap=120)
    lines = [ln for p in pieces for ln in p.split("\n") if ln]
    assert sorted(lines) == sorted(paragraphs)  # every paragraph once, none cut, none repeated
    assert all(len(p) <= 400 for p in pieces)


def test_a_long_table_is_cut_between_rows_under_its_header() -> None:
    rows = [f"| Séance {i} | Activité coopérative numéro {i} avec la classe |" for i in range(20)]
    text = "Le calendrier de l'année :\n\n| Séance | Activité |\n| --- | --- |\n" + "\n".join(rows)
    pieces = split_text(text, chunk_size=300, overlap=60)
    assert len(pieces) > 2
    assert pieces[0].startswith("Le calendrier de l'année :\n\n| Séance | Activité |")
    assert all(p.split("\n")[-1].startswith("|") for p in pieces)
    assert all("| Séance | Activité |\n| --- | --- |" in p for p in pieces)
    assert sum(p.count("Activité coopérative") for p in pieces) == 20


def test_join_wrapped_lines_and_repeated_lines() -> None:
    text = "Les élèves ont comparé trois\nfaçons de réagir.\nIls ont ensuite joué.\n\n- un item qui\ncontinue\n- un autre\n| a | b |\n## Titre"
    assert join_wrapped_lines(text).split("\n") == [
        "Les élèves ont comparé trois façons de réagir. Ils ont ensuite joué.", "", "- un item qui continue",
        "- un autre", "| a | b |", "## Titre",
    ]
    repeated = "Ne jamais imposer de contact physique ; l'adulte guide.\nAutre ligne.\nNe jamais imposer de contact physique ; l'adulte guide."
    assert drop_repeated_lines(repeated).split("\n") == ["Ne jamais imposer de contact physique ; l'adulte guide.", "Autre ligne."]


def test_pdf_headings_from_marks_carry_over_pages() -> None:
    pages = [
        Section("## Le contexte\n\nUn collège de la Sarthe.\n\n### Les objectifs\n\nTrois objectifs retenus.", page=1),
        Section("Suite des objectifs, sur la page suivante.\n\n## Les limites\n\nLa frontière avec le harcèlement.", page=2),
    ]
    parts = clean_sections(pages, paged=True)
    assert [(p.heading_path, p.page) for p in parts] == [
        (("Le contexte",), 1), (("Le contexte", "Les objectifs"), 1), (("Le contexte", "Les objectifs"), 2), (("Les limites",), 2),
    ]
