"""Fast unit tests of the choice of passages within the best documents (assistant/passages.py) and of the
stored-vector cache of a snapshot: hand-made vectors and a small BM25 index, no model, no store."""

from __future__ import annotations

import numpy as np

from assistant.lexical import LexicalIndex
from assistant.passages import answering_first, body_passages, rank_passages
from assistant.retrieve import Hit, Snapshot
from assistant.schema import Chunk, DocMeta

GUIDE = DocMeta(source="corpus/guides/projet.md", title="Monter un projet CPS", doc_type="guide")
REPORT = DocMeta(source="corpus/evaluation/bilan.md", title="Bilan du programme", doc_type="evaluation")


def _chunk(doc: DocMeta, ordinal: int, text: str, heading: tuple[str, ...] = ()) -> Chunk:
    return Chunk(id=f"{doc.source}#{ordinal}", doc=doc, text=text, ordinal=ordinal, heading_path=heading)


NOTICE = _chunk(GUIDE, 0, "Guide rédigé pour l'exemple : ce n'est pas un document officiel.")
WHY = _chunk(GUIDE, 1, "Pourquoi passer de la classe au projet : la continuité entre les adultes.", ("Pourquoi",))
TEAM = _chunk(GUIDE, 2, "Réunir un noyau moteur de deux ou trois enseignants volontaires et obtenir l'appui de la direction.",
              ("Étape 1 — Réunir une équipe",))
EVALUATE = _chunk(GUIDE, 3, "Évaluer sans alourdir : un court questionnaire en fin d'année suffit.", ("Étape 7 — Évaluer",))
FIGURES = _chunk(REPORT, 0, "Le programme a touché 91 écoles et 499 enseignants.", ("Les chiffres",))
CHUNKS = [NOTICE, WHY, TEAM, EVALUATE, FIGURES]
# Unit vectors: the question's vector points at TEAM; WHY is its nearest other passage.
VECTORS = {NOTICE.id: [0.0, 0.0, 1.0], WHY.id: [0.6, 0.8, 0.0], TEAM.id: [1.0, 0.0, 0.0], EVALUATE.id: [0.0, 1.0, 0.0],
           FIGURES.id: [0.0, 0.6, 0.8]}
QUESTION_VECTOR = np.array([1.0, 0.0, 0.0], dtype=np.float32)


def _snapshot(fetched: list[list[str]] | None = None, vectors: dict[str, list[float]] | None = None,
              chunks: list[Chunk] | None = None) -> Snapshot:
    chunks = CHUNKS if chunks is None else chunks
    lexical = LexicalIndex()
    lexical.build([c.indexed_text for c in chunks])
    by_source: dict[str, list[int]] = {}
    for i, c in enumerate(chunks):
        by_source.setdefault(c.doc.source, []).append(i)
    stored = VECTORS if vectors is None else vectors

    def fetch(ids: list[str]) -> dict[str, np.ndarray]:
        if fetched is not None:
            fetched.append(list(ids))
        return {i: np.array(stored[i], dtype=np.float32) for i in ids if i in stored}

    return Snapshot("s1", chunks, {c.id: i for i, c in enumerate(chunks)}, lexical, by_source, fetch_vectors=fetch)


def test_the_passage_that_answers_is_found_outside_the_hits() -> None:
    # Retrieval kept only WHY of the guide; the question's vector and words point at TEAM.
    ranked = rank_passages(_snapshot(), [Hit(WHY, 0.9), Hit(FIGURES, 0.5)], "réunir une équipe de volontaires", QUESTION_VECTOR)
    assert ranked[0].chunk is TEAM
    assert {h.chunk.id for h in ranked} == {WHY.id, TEAM.id, EVALUATE.id, FIGURES.id}  # the notice is left out


def test_without_stored_vectors_bm25_alone_ranks_the_passages() -> None:
    ranked = rank_passages(_snapshot(vectors={}), [Hit(WHY, 0.9)], "questionnaire en fin d'année", QUESTION_VECTOR)
    assert ranked[0].chunk is EVALUATE
    ranked = rank_passages(_snapshot(), [Hit(WHY, 0.9)], "questionnaire en fin d'année", None)
    assert ranked[0].chunk is EVALUATE


def test_the_first_document_keeps_a_lead_over_the_second() -> None:
    snap = _snapshot()
    level = rank_passages(snap, [Hit(WHY, 0.9), Hit(FIGURES, 0.5)], "combien d'écoles", np.array([0.0, 0.6, 0.8], np.float32),
                          first_bonus=0.0)
    assert level[0].chunk is FIGURES
    led = rank_passages(snap, [Hit(WHY, 0.9), Hit(FIGURES, 0.5)], "combien d'écoles", np.array([0.0, 0.6, 0.8], np.float32),
                        first_bonus=5.0)
    assert led[0].chunk.doc is GUIDE


def test_advice_asked_about_the_sheet_ranked_first_opens_on_its_advice_to_the_adult() -> None:
    # Found on the seventh fresh split: « pendant la séance sur les émotions cachées dans le corps (CP), une petite s'est
    # mise à pleurer… je continue ou j'arrête ? » opened on the sheet's variants, which share the class's words.
    sheet = DocMeta(source="corpus/seances/cycle2/silhouette.md", title="Où se cache mon émotion ?", doc_type="seance")
    variants = _chunk(sheet, 1, "- **CP** : une séance sur le corps et les émotions, en classe entière.", ("Variantes",))
    vigilance = _chunk(sheet, 2, "- Un élève peut se rappeler un souvenir douloureux : l'accueillir.", ("Points de vigilance",))
    chunks = [variants, vigilance, WHY]
    vectors = {variants.id: [1.0, 0.0, 0.0], vigilance.id: [0.8, 0.6, 0.0], WHY.id: [0.0, 1.0, 0.0]}
    snap = _snapshot(vectors=vectors, chunks=chunks)
    question = "pendant la séance sur le corps et les émotions en CP une élève pleure, je fais quoi ?"
    hits = [Hit(variants, 0.9), Hit(WHY, 0.5)]
    assert rank_passages(snap, hits, question, QUESTION_VECTOR)[0].chunk is variants
    assert rank_passages(snap, hits, question, QUESTION_VECTOR, advice=True)[0].chunk is vigilance
    # a sheet ranked second gets no such lead over the first document's passages
    hits = [Hit(WHY, 0.9), Hit(variants, 0.5)]
    plain = {h.chunk.id: h.score for h in rank_passages(snap, hits, question, QUESTION_VECTOR)}
    assert {h.chunk.id: h.score for h in rank_passages(snap, hits, question, QUESTION_VECTOR, advice=True)} == plain


def test_stored_vectors_are_fetched_once_and_missing_ones_give_none() -> None:
    fetched: list[list[str]] = []
    snap = _snapshot(fetched)
    first = snap.passage_vectors([WHY, TEAM])
    again = snap.passage_vectors([TEAM, WHY])
    assert first is not None and again is not None and first.shape == (2, 3)
    assert np.allclose(first[0], again[1])
    assert fetched == [[WHY.id, TEAM.id]]
    assert _snapshot(vectors={WHY.id: [1.0, 0.0, 0.0]}).passage_vectors([WHY, TEAM]) is None


def test_a_document_without_sections_keeps_all_its_passages() -> None:
    doc = DocMeta(source="corpus/entretien.vtt", title="Entretien")
    cues = [_chunk(doc, i, f"Réplique {i}.") for i in range(3)]
    assert body_passages(cues) == cues
    assert body_passages([NOTICE, WHY, TEAM]) == [WHY, TEAM]


def test_a_question_about_a_meaning_opens_on_the_passage_that_defines() -> None:
    history = Hit(_chunk(GUIDE, 5, "Le site du cartable des compétences psychosociales a été créé en 2011."), 0.9)
    definition = Hit(_chunk(GUIDE, 6, "L'OMS définit les compétences psychosociales comme la capacité à faire face."), 0.8)
    assert answering_first([history, definition], "c quoi les CPS ? je débarque") == [definition, history]
    assert answering_first([history, definition], "qu'est-ce que je fais si un élève pleure ?") == [history, definition]
    # a count asked comes before a meaning: « qu'est-ce que c'est, le nombre d'écoles ? » wants the figure
    figures = Hit(FIGURES, 0.7)
    assert answering_first([definition, figures], "c'est quoi le nombre d'écoles ?")[0] == figures


def test_a_question_asking_where_to_start_opens_on_a_guides_first_step() -> None:
    evaluate, team = Hit(EVALUATE, 0.9), Hit(TEAM, 0.8)
    assert answering_first([evaluate, team], "monter un projet CPS : par quoi commencer côté équipe ?") == [team, evaluate]
    assert answering_first([evaluate, team], "comment évaluer le projet ?") == [evaluate, team]
    # a write-up's « 1. » tells what others did, not a step to take
    told = Hit(_chunk(DocMeta(source="corpus/retours/recit.md", title="Récit", doc_type="retour_experience"), 0,
                      "Les futurs formateurs ont d'abord vécu les activités.", ("1. Vivre avant d'animer",)), 0.7)
    assert answering_first([evaluate, told], "par où je commence ?") == [evaluate, told]


def test_a_question_asking_what_came_out_opens_on_the_conclusion_wherever_it_is_ranked() -> None:
    ranked = [Hit(_chunk(REPORT, i, f"L'évaluation a été confiée à un cabinet, étape {i}."), 1.0 - i / 10) for i in range(1, 9)]
    conclusion = Hit(_chunk(REPORT, 9, "L'évaluation conclut à une réussite du transfert aux enseignants."), 0.1)
    assert answering_first(ranked + [conclusion], "Quels résultats a donné l'évaluation ?")[0] == conclusion
    assert answering_first(ranked + [conclusion], "qu'est-ce qu'elle a montré, l'évaluation ?")[0] == conclusion
    assert answering_first(ranked + [conclusion], "qui a mené l'évaluation ?")[0] == ranked[0]
    # found by a tryout: a colloquium's aim (« un levier de réussite pour tous les élèves ») is no conclusion
    aim = Hit(_chunk(REPORT, 10, "Le colloque visait à défendre les CPS comme un levier de réussite pour tous les élèves."), 0.9)
    assert answering_first([aim, conclusion], "est-ce que ça a marché ?") == [conclusion, aim]


def test_results_asked_on_pupils_open_on_the_evaluation_saying_it_did_not_measure_them() -> None:
    # Found by two tryouts: « des résultats prouvés sur les élèves ? » opened on the teachers' success, and said late, or
    # never, that the evaluation did not measure the children.
    conclusion = Hit(_chunk(REPORT, 1, "L'évaluation conclut à une réussite du transfert aux enseignants."), 0.9)
    aims = Hit(_chunk(REPORT, 2, "L'objet évalué n'est donc pas directement l'évolution des enfants, mais la capacité du "
                                 "programme à rendre les enseignants autonomes."), 0.2)
    other = Hit(_chunk(REPORT, 3, "Les enfants n'ont pas toujours pu participer aux ateliers du mercredi."), 0.8)
    assert answering_first([conclusion, other, aims], "Quels résultats a-t-on observés chez les élèves ?")[0] == aims
    assert answering_first([conclusion, other, aims], "Est-ce que ça a marché sur les enfants ?")[0] == aims
    # asked on no one in particular, the conclusion still opens
    assert answering_first([conclusion, other, aims], "Quels résultats a donné l'évaluation ?")[0] == conclusion
    # another programme's published figures are its own answer, whatever another evaluation did not measure
    figures = Hit(_chunk(GUIDE, 4, "« Prendre soin de soi » : résultats publiés : 86 % des enfants se sentent mieux."), 0.9)
    asked = "Le programme « Prendre soin de soi », il a donné quels résultats chez les enfants ?"
    assert answering_first([figures, aims], asked)[0] == figures
    # found by a tryout: another programme's published figures, in a presentation, before the evaluation's conclusion
    deck = DocMeta(source="corpus/programme/presentation.md", title="Le programme", doc_type="presentation")
    later = Hit(_chunk(deck, 0, "« Prendre soin de soi » : résultats publiés : 86 % des enfants se sentent mieux.", ("Et après ?",)), 1.0)
    judged = Hit(_chunk(deck, 1, "Sa conclusion : une réussite du transfert aux enseignants.", ("Évaluation",)), 0.8)
    assert answering_first([later, judged], "quels sont les résultats de l'évaluation du programme ?") == [judged, later]
    assert answering_first([later, judged], "quels résultats sur les enfants ?") == [later, judged]


def test_results_asked_of_one_programme_do_not_open_on_another_programme_s_figures() -> None:
    # Found by a tryout: « quels résultats pour En santé à l'école ? » opened on « Prendre soin de soi »'s percentages.
    deck = DocMeta(source="corpus/programme/presentation.md", title="Le programme", doc_type="presentation")
    later = Hit(_chunk(deck, 0, "- **« Prendre soin de soi »**, pour les 8-11 ans. Résultats publiés : 86 % des enfants se "
                                "sentent mieux.", ("Et après ?",)), 1.0)
    judged = Hit(_chunk(deck, 1, "Sa conclusion : une réussite du transfert aux enseignants.", ("Évaluation",)), 0.8)
    assert answering_first([later, judged], "quels résultats pour En santé à l'école ?") == [judged, later]
    assert answering_first([later, judged], "« Prendre soin de soi » a donné quels résultats ?") == [later, judged]


def test_a_question_asking_who_ran_something_opens_on_who_did() -> None:
    deck = DocMeta(source="corpus/programme/presentation.md", title="Le programme", doc_type="presentation")
    after = Hit(_chunk(deck, 0, "La démarche se poursuit dans un programme porté par l'Académie de Nantes.", ("Et après ?",)), 1.0)
    glossary = Hit(_chunk(deck, 1, "- **ARS** : Agence régionale de santé ; elle pilote le PRS.\n- **IEN** : inspecteur.\n"
                                   "- **PES** : parcours éducatif de santé.", ("Glossaire des sigles",)), 0.95)
    figures = [Hit(_chunk(deck, i, f"Le programme a touché des écoles, remarque {i}."), 0.9 - i / 100) for i in range(2, 8)]
    partners = Hit(_chunk(deck, 9, "- **Coordination** : l'IREPS Pays de la Loire, associée à l'ANPAA.",
                          ("Partenaires et coordination",)), 0.3)
    ranked = [after, glossary, *figures, partners]
    # sought in every passage of the best document; a section named for who did what before a passing « porté par »;
    # a glossary says who is who, not who did what
    reordered = answering_first(ranked, "Qui a porté le programme et sur quelles années ?")
    assert reordered[:2] == [partners, after] and reordered.index(glossary) > 1
    assert answering_first(ranked, "qui étaient les partenaires ?")[0] == partners
    # who may run a session is no question about who ran the programme
    assert answering_first(ranked, "qui peut animer les séances ?") == ranked


def test_a_count_of_something_named_is_sought_in_every_passage_of_the_best_document() -> None:
    story = DocMeta(source="corpus/retours/recit.md", title="Récit", doc_type="retour_experience")
    other = DocMeta(source="corpus/guides/progression.md", title="Progression", doc_type="guide")
    ranked = [Hit(_chunk(story, i, f"Chaque séance suivait la même trame, remarque {i}."), 1.0 - i / 100) for i in range(7)]
    ranked.append(Hit(_chunk(other, 0, "Une progression compte souvent six séances."), 0.5))
    ranked.append(Hit(_chunk(story, 9, "La progression retenue comptait huit séances d'environ 1 h 15."), 0.4))
    reordered = answering_first(ranked, "la progression tenait en combien de séances ?")
    assert reordered[0] == ranked[-1] and reordered[1:8] == ranked[:7]
    # the first few passages only, for a question that counts nothing named; nothing moves when no passage counts
    assert answering_first(ranked, "qui animait les séances ?") == ranked
    assert answering_first(ranked[:-1], "combien d'élèves médiateurs ?") == ranked[:-1]


def test_a_question_asking_how_often_opens_on_a_passage_that_says_it() -> None:
    doc = DocMeta(source="corpus/retours/entretien.vtt", title="Entretien", doc_type="retour_experience")
    advice = Hit(_chunk(doc, 1, "Claire : Commencer petit, une compétence, quelques séances bien préparées."), 0.9)
    rhythm = Hit(_chunk(doc, 2, "Claire : Je fais une séance de quarante-cinq minutes tous les quinze jours."), 0.7)
    assert answering_first([advice, rhythm], "et elle, elle en fait à quelle fréquence ?") == [rhythm, advice]
    assert answering_first([advice, rhythm], "et elle, elle commence comment ?") == [advice, rhythm]
    # « combien de fois par… ? » asks how often too, not a count
    assert answering_first([advice, rhythm], "elle en fait combien de fois par mois ?") == [rhythm, advice]


def test_a_run_of_questions_answers_only_a_question_asking_for_questions() -> None:
    from assistant.passages import only_questions

    sheet = DocMeta(source="corpus/seances/trousse.docx", title="Ma trousse anti-trac : le stress des évaluations", doc_type="seance")
    prompts = _chunk(sheet, 5, "- « Qu'avez-vous ressenti pendant la relaxation ? »\n- « Qu'avez-vous remarqué sur la frise ? »\n"
                               "- « Quel outil allez-vous essayer lors de la prochaine évaluation ? »", ("Temps d'échange et bilan",))
    assert only_questions(prompts, "Quels résultats a donné l'évaluation ?")
    assert not only_questions(prompts, "quelles questions poser au bilan de la trousse ?")
    assert not only_questions(WHY, "Quels résultats a donné l'évaluation ?")


def test_a_title_slide_never_opens_an_answer() -> None:
    # Found by a tryout: « le séminaire de 2021…, qu'est ce qui en est ressorti ? » opened on slide 1, the seminar's title.
    deck = DocMeta(source="corpus/programme/seminaire.pptx", title="Séminaire du 14 décembre 2021", doc_type="presentation")
    title = Hit(_chunk(deck, 0, "Séminaire du 14 décembre 2021", ("Séminaire du 14 décembre 2021",)), 1.0)
    thread = Hit(_chunk(deck, 1, "Un fil conducteur : passer de l'intervention en classe à l'appropriation par les enseignants.",
                        ("Retour d'expériences",)), 0.9)
    assert answering_first([title, thread], "le séminaire de 2021, qu'est ce qui en est ressorti ?") == [thread, title]
    assert answering_first([title], "le séminaire de 2021 ?") == [title]  # alone, it stays


def test_the_term_a_question_asks_the_meaning_of() -> None:
    from assistant.passages import term_asked

    assert term_asked("c'est quoi le message clair ?") == "message clair"
    assert term_asked("Je suis nouvelle dans l'équipe : les compétences psychosociales, c'est quoi exactement ?") == \
        "competences psychosociales"
    assert term_asked("c koi exactement les competences psychosociales ? on m'en parle partout") == "competences psychosociales"
    assert term_asked("je débarque, les compétences psychosociales concrètement c'est quoi ?") == "competences psychosociales"
    assert term_asked("qu'est-ce que l'information préoccupante ?") == "information preoccupante"
    assert term_asked("le parcours éducatif de santé, c'est quoi et ça existe depuis quand ?") == "parcours educatif de sante"
    for no_meaning in ("les CPS ça sert à quoi ?", "combien d'écoles ont participé ?", "une séance sur la colère en CE1 ?"):
        assert term_asked(no_meaning) is None, no_meaning


def test_a_sentence_defines_a_term_when_it_says_what_it_is() -> None:
    from assistant.passages import defines

    assert defines("En 1993, l'OMS définit les compétences psychosociales comme la capacité d'une personne…",
                   "competences psychosociales")
    assert defines("Le message clair est un outil de communication utilisé pour régler les petits conflits.", "message clair")
    assert defines("- **IREPS** : Instance régionale d'éducation et de promotion de la santé.", "ireps")
    assert not defines("Le message clair est devenu un réflexe pour une partie de la classe.", "message clair")
    assert not defines("On travaille les compétences psychosociales en classe entière.", "competences psychosociales")


def test_a_question_about_a_meaning_opens_on_the_library_s_definition_when_the_best_documents_have_none() -> None:
    from assistant.passages import definition_first

    defining = _chunk(REPORT, 1, "Le noyau moteur est un petit groupe d'enseignants volontaires qui porte le projet.", ("Glossaire",))
    snap = Snapshot("s2", CHUNKS + [defining], {c.id: i for i, c in enumerate(CHUNKS + [defining])}, LexicalIndex(),
                    {GUIDE.source: [0, 1, 2, 3], REPORT.source: [4, 5]})
    ranked = [Hit(TEAM, 1.0), Hit(WHY, 0.5)]
    first = definition_first(snap, ranked, "le noyau moteur, c'est quoi ?", None)
    assert first[0].chunk is defining and [h.chunk for h in first[1:]] == [TEAM, WHY]
    # a definition among the first passages comes first; a question asking no meaning is left as ranked
    assert definition_first(snap, ranked + [Hit(defining, 0.1)], "c'est quoi le noyau moteur ?", None)[0].chunk is defining
    assert definition_first(snap, ranked, "qui fait partie du noyau moteur ?", None) == ranked


def test_a_question_asking_two_kinds_opens_on_a_passage_giving_one_a_count_of_what_it_names_first() -> None:
    doc = DocMeta(source="corpus/programme/presentation.md", title="Le programme", doc_type="presentation")
    local = Hit(_chunk(doc, 0, "Une école de Vendée a mené un projet depuis 2016-2017.", ("Et après ?",)), 1.0)
    context = Hit(_chunk(doc, 1, "Le programme renforce les compétences des élèves.", ("En bref",)), 0.9)
    figures = Hit(_chunk(doc, 2, "| Indicateur | Valeur |\n|---|---|\n| Écoles | 91 |", ("Chiffres clés",)), 0.8)
    reordered = answering_first([local, context, figures], "il a duré de quand à quand et combien d'écoles ont participé ?")
    assert reordered == [figures, local, context]


def test_a_count_of_an_acronym_is_read_as_a_count_of_what_it_spells() -> None:
    doc = DocMeta(source="corpus/guides/cadres.md", title="Les cadres", doc_type="guide")
    history = Hit(_chunk(doc, 0, "Les CPS apparaissent dans la Charte d'Ottawa.", ("Histoire",)), 1.0)
    spf = Hit(_chunk(doc, 1, "Classification : 3 catégories, 9 compétences générales, 21 compétences spécifiques.", ("Santé publique France",)), 0.8)
    question = "et il y a combien de cps en tout ?"
    assert answering_first([history, spf], question, acronyms={"CPS": "compétences psychosociales"}) == [spf, history]
    assert answering_first([history, spf], question) == [history, spf]


def test_the_ages_asked_open_on_the_passage_giving_them() -> None:
    # fresh5: « et c'est prévu pour des enfants de quel âge ? » opened on whom the website serves (professionals)
    doc = DocMeta(source="corpus/programme/cartable.md", title="Le cartable", doc_type="presentation")
    whom = Hit(_chunk(doc, 0, "Aux professionnels qui veulent intégrer le renforcement des CPS à leurs pratiques.",
                      ("À qui s'adresse le cartable ?",)), 1.0)
    ages = Hit(_chunk(doc, 1, "Un programme de renforcement des CPS destiné aux enfants de 7 à 12 ans.", ("Histoire",)), 0.8)
    assert answering_first([whom, ages], "et c'est prévu pour des enfants de quel âge ?") == [ages, whom]
    assert answering_first([whom, ages], "et c'est prévu pour qui ?") == [whom, ages]
    # with several kinds asked besides (found in review: the kinds were read only when no age was asked)
    assert answering_first([whom, ages], "depuis quand, combien de temps, et pour quel âge ?")[0] == ages
