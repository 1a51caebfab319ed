"""The answering core on the bundled corpus with the real bundled model: answers cite verbatim
passages, sheets are laid out, the CLI speaks the JSON contract."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from assistant.core import Turn
from assistant.schema import Filters
from eval.gold import load_gold

pytestmark = pytest.mark.integration


def test_every_citation_is_a_verbatim_passage_of_its_chunk(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    snap = bundled_assistant.retriever.snapshot()
    text_of = {c.id: c.text for c in snap.chunks}
    answers = {}
    for item in load_gold():
        history = [Turn.from_answer(answers[item.follow_up_of])] if item.follow_up_of in answers else None
        answer = bundled_assistant.ask(item.question, history=history)
        answers[item.id] = answer
        for citation in answer.citations:
            assert citation.snippet, (item.id, citation.n)
            assert citation.snippet in text_of[citation.chunk_id], (item.id, citation.n)
            assert f"[{citation.n}]" in answer.answer, (item.id, citation.n)
        markers = {int(m) for m in __import__("re").findall(r"\[(\d+)\]", answer.answer)}
        assert markers <= {c.n for c in answer.citations}, item.id


def test_activity_question_gets_a_session_sheet_for_the_level(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = bundled_assistant.ask("Comment travailler la coopération avec des élèves de grande section ?")
    assert not answer.abstained and answer.safety is None
    first = answer.citations[0]
    assert first.doc_type == "seance" and "GS" in first.levels
    for section in ("**Objectifs**", "**Matériel**", "**Déroulement**"):
        assert section in answer.answer


def test_follow_up_keeps_the_topic(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    first = bundled_assistant.ask("Une séance sur le message clair pour des CP ?")
    follow = bundled_assistant.ask("Combien de temps dure-t-elle ?", history=[Turn.from_answer(first)])
    assert not follow.abstained
    assert follow.citations[0].source == first.citations[0].source
    assert "Durée" in follow.answer


def test_a_few_words_leaning_on_a_turn_asked_first_get_a_request_to_say_more(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    # Found by a tryout: « et pour les plus petits ? » asked first got a CM1-6e sheet; after a sheet it adapts that sheet.
    alone = bundled_assistant.ask("et pour les plus petits ?")
    assert alone.abstained and not alone.citations and "en entier" in alone.answer
    first = bundled_assistant.ask("Une activité sur la colère pour des CM1 ?")
    follow = bundled_assistant.ask("et pour les plus petits ?", history=[Turn.from_answer(first)])
    assert not follow.abstained and follow.citations
    danger = bundled_assistant.ask("et si elle veut plus vivre ?")
    assert danger.safety is not None and danger.safety.category == "suicide"


def test_a_step_asked_by_its_number_after_a_sheet_is_that_step(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    # Found by tryouts: « et l'étape 3 ? » reprinted the whole sheet, « on fait quoi à l'étape 3 ? » found a 3e sheet.
    first = bundled_assistant.ask("une séance sur la coopération en CE1 ?")
    for question in ("et l'étape 3 ?", "on fait quoi à l'étape 3 ?"):
        follow = bundled_assistant.ask(question, history=[Turn.from_answer(first)])
        assert follow.citations[0].source == first.citations[0].source
        box = follow.answer.split("**Pour votre question**")[1]
        assert box.lstrip().startswith("**3. ") and "**Déroulement**" not in follow.answer


def test_asked_shorter_after_a_sheet_the_same_sheet_comes_in_a_few_lines(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    # Found by a tryout: « tu peux raccourcir ? » found « Raccourcir l'attente » in another sheet.
    first = bundled_assistant.ask("explique moi la séance du tapis de la paix")
    short = bundled_assistant.ask("tu peux raccourcir ?", history=[Turn.from_answer(first)])
    assert short.citations[0].source == first.citations[0].source
    assert "l'essentiel" in short.answer and "**Matériel**" not in short.answer
    assert len(short.answer.split("Pour aller plus loin")[0]) < len(first.answer)


def test_a_request_naming_a_skill_or_a_sheet_by_its_title_is_answered_whatever_else_it_says(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    # Found by a tryout: both were declined, the right sheet first among « documents les plus proches ».
    anger = bundled_assistant.ask("un eleve de CM1 pete les plombs et renverse sa table, jai une seance sur la colere ?")
    assert not anger.abstained and "quand-la-colere-monte" in anger.citations[0].source
    material = bundled_assistant.ask("Quel matériel faut-il pour le jeu du parachute en maternelle ?")
    assert not material.abstained and "parachute" in material.citations[0].source and "Matériel" in material.answer


def test_a_sheet_for_other_classes_of_the_cycle_says_so(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = bundled_assistant.ask("je voudrais travailler la confiance en soi avec mes CP, vous avez qqch ?")
    head = answer.answer.split("###")[0]
    assert "main-de-mes-forces" in answer.citations[0].source
    assert "écrite pour : CE1, CE2" in head and "Pour CP" in head


def test_the_time_the_teacher_has_is_compared_with_the_sheet_s(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = bundled_assistant.ask("j'ai 25 min avec mes CE1 cet aprem, une activité sur les émotions ?")
    assert "plus que les 25 minutes dont vous disposez" in answer.answer.split("###")[0]


def test_a_detail_asked_right_after_a_sheet_is_about_that_sheet(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    first = bundled_assistant.ask("Un défi coopératif pour des CE1 avec du matériel simple ?")
    # No pronoun leans on the previous turn, and its own words find another sheet: it names no other sheet, though.
    follow = bundled_assistant.ask("Combien de temps je garde pour l'échange à la fin ?", history=[Turn.from_answer(first)])
    assert follow.citations[0].source == first.citations[0].source
    # A detail of a sheet named in the question is about that sheet.
    other = bundled_assistant.ask("Combien de temps dure le théâtre-forum ?", history=[Turn.from_answer(first)])
    assert "theatre-forum" in other.citations[0].source
    # A duration asked about something else than a session is not about the sheet either.
    elsewhere = bundled_assistant.ask("Combien de temps dure une information préoccupante ?", history=[Turn.from_answer(first)])
    assert elsewhere.citations and "gobelets" not in elsewhere.citations[0].source


def test_thanks_after_an_answer_get_a_reply_not_a_safety_block_or_a_sheet(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    first = bundled_assistant.ask("Une séance sur le message clair pour des CP ?")
    for message in ("merci", "super merci beaucoup"):
        reply = bundled_assistant.ask(message, history=[Turn.from_answer(first)])
        assert reply.safety is None and not reply.citations and "plaisir" in reply.answer


def test_filters_restrict_the_sources(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = bundled_assistant.ask("Comment gérer la colère ?", Filters(cycles=(4,)))
    assert answer.citations and all(any(lv in ("5e", "4e", "3e") for lv in c.levels) for c in answer.citations)


def test_out_of_corpus_and_child_in_danger(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    off = bundled_assistant.ask("Quelle est la recette de la tarte aux pommes de grand-mère ?")
    assert off.abstained and "Je n'ai pas trouvé de réponse" in off.answer
    # nothing near: no unrelated sheet titles under the refusal, but what the library covers
    assert "plus proches" not in off.answer and not off.citations and "compétences psychosociales" in off.answer
    near = bundled_assistant.ask("Combien coûte l'adhésion d'une école à Promotion Santé Pays de la Loire ?")
    assert near.abstained and "Documents les plus proches" in near.answer and near.citations
    # on the programme's subjects, though no passage answers: not said to be outside the library
    pupils = bundled_assistant.ask("est-ce qu'on peut faire les séances avec des élèves en ULIS ?")
    assert pupils.abstained and "« ULIS »" in pupils.answer and "ne fait pas partie" not in pupils.answer
    danger = bundled_assistant.ask("Un élève de CM2 m'a confié que son père le frappe avec une ceinture, que dois-je faire ?")
    assert danger.safety is not None and "119" in danger.safety.resources
    assert danger.answer.startswith("### ⚠️"), "what to do comes first"
    assert danger.answer.index("119") < danger.answer.index("[1]"), "whom to call comes before any document content"
    calm = bundled_assistant.ask("Comment aider un élève de CE1 qui se met en colère quand il perd à un jeu ?")
    assert calm.safety is None


def test_words_the_documents_never_use_are_flagged_only_when_the_answer_is_a_close_call(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    sound = bundled_assistant.ask("Pour ma diapo de formation, c'est quoi les dix compétences de l'OMS ?")
    assert "ne contiennent pas" not in sound.answer and "Organisation mondiale de la santé" in sound.answer
    partial = bundled_assistant.ask("un atelier de jardinage pour des CE2 sur la coopération ?")
    assert partial.answer.startswith("*Les documents ne contiennent pas le mot « jardinage »")


def test_cli_ask_json_reads_one_question_per_line(bundled_settings) -> None:  # type: ignore[no-untyped-def]
    questions = "Qu'est-ce que le programme En santé à l'école ?\nQuelles sont les règles de groupe d'une séance CPS ?\n"
    env = {**os.environ, "CARTABLE_STORE": str(bundled_settings.store)}
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", "--json", "-"], input=questions,
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 2
    for obj in lines:
        assert set(obj) >= {"question", "answer", "mode", "abstained", "citations", "safety", "timings_ms"}
        assert obj["mode"] == "extractive" and obj["citations"]
        assert set(obj["citations"][0]) >= {"n", "source", "title", "doc_type", "locator", "snippet"}


def test_cli_status_and_help_stay_light(bundled_settings) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "CARTABLE_STORE": str(bundled_settings.store)}
    status = subprocess.run([sys.executable, "-m", "assistant.cli", "status", "--json"], capture_output=True, text=True, env=env, timeout=120)
    data = json.loads(status.stdout)
    assert data["documents"] >= 50 and data["documents_by_type"]["seance"] >= 36
    probe = subprocess.run([sys.executable, "-c", "import sys, assistant.cli, assistant.core, ingest.pipeline; "
                            "print(sorted(m for m in ('torch', 'chromadb', 'gradio', 'sentence_transformers') if m in sys.modules))"],
                           capture_output=True, text=True, timeout=120)
    assert probe.stdout.strip() == "[]", probe.stdout + probe.stderr


def test_a_chat_request_for_a_plan_gets_the_planner(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    snap = bundled_assistant.retriever.snapshot()
    answer = bundled_assistant.ask("prépare-moi 6 séances sur les émotions pour mes CE2")
    assert "Progression proposée" in answer.answer and answer.safety is None
    sheets = [c for c in answer.citations if c.doc_type == "seance"]
    assert sheets and all(snap.document_chunks(c.source) for c in answer.citations)
    # An ordinary question with the same words stays a question.
    assert "Progression proposée" not in bundled_assistant.ask("Comment animer une séance sur les émotions en CE2 ?").answer


def test_a_plan_on_another_school_subject_says_the_library_has_none(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    # Found by a tryout: the subject after « progression en » was not read, so the base competences were planned.
    answer = bundled_assistant.ask("Comment je construis une progression en numération pour mes CE1 ?")
    assert answer.abstained and not answer.citations
    assert "« numération » ne correspond à aucune compétence" in answer.answer
    assert "Progression proposée" not in answer.answer and "Pour l'imprimer" not in answer.answer
    # nor the sessions and minutes of a plan there is no competence for, and it says what the library covers
    assert "séance(s) de" not in answer.answer and "ne traite que des compétences psychosociales" in answer.answer


def test_a_plan_is_changed_by_a_follow_up(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    first = bundled_assistant.ask("prépare-moi 5 séances sur la coopération pour mes CM1")
    assert "Progression proposée" in first.answer
    second = bundled_assistant.ask("plutôt 30 min", history=[Turn.from_answer(first)])
    # no cooperation sheet for CM1 fits 30 min: one up to twice as long is run over two slots, as the guide allows
    assert "Progression proposée — CM1 : 5 séance(s) de 30 min" in second.answer
    assert "(1/2)" in second.answer and "créneaux de 30 min" in second.answer
    assert second.condensed_question == "Prépare 5 séances de 30 min sur coopération pour des CM1"
    third = bundled_assistant.ask("et pour des CE1 ?", history=[Turn.from_answer(first), Turn.from_answer(second)])
    assert third.condensed_question == "Prépare 5 séances de 30 min sur coopération pour des CE1"


def test_a_workshop_changed_to_a_day_stays_a_workshop(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    first = bundled_assistant.ask("une formation de 2h pour des AESH sur les CPS, tu me la prépares ?")
    second = bundled_assistant.ask("plutôt une journée", history=[Turn.from_answer(first)])
    assert second.safety is None and "360 min" in second.answer
    # a question after a plan is not completed with the plan request
    third = bundled_assistant.ask("c'est quoi une séance de clôture ?", history=[Turn.from_answer(second)])
    assert third.condensed_question == "c'est quoi une séance de clôture ?"


def test_a_family_gets_the_help_block_without_the_schools_procedure(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = bundled_assistant.ask("Ma fille de 12 ans m'a dit hier soir qu'elle voulait mourir, je fais quoi ?")
    assert answer.safety is not None and "3114" in answer.answer and "Vous êtes son parent" in answer.answer
    assert "procureur" not in answer.answer and "Dans les documents du programme" not in answer.answer


def test_a_danger_question_is_never_taken_for_a_plan(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = bundled_assistant.ask("prépare-moi une séance, un élève de CE2 m'a dit qu'il voulait mourir")
    assert answer.safety is not None and answer.safety.category == "suicide"
    assert "3114" in answer.answer and "Progression proposée" not in answer.answer


def test_a_session_request_read_as_a_danger_by_one_sentence_alone_still_gets_its_session(bundled_assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from assistant import core, safety

    question = "Mes 4e se fâchent à cause de messages mal compris sur le groupe de la classe. Une séance pour apprendre à s'écrire ?"
    harassment = [c for c in safety.CATEGORIES if c.key == "harcelement"]
    # The safety model's reading is faked (the model boundary): one sentence read alone, or the whole message.
    monkeypatch.setattr(core.safety, "assess", lambda q, v=None: safety.Assessment(harassment, pupil=False, firm=False))
    weak = bundled_assistant.ask(question)
    assert weak.answer.startswith("### ⚠️") and "3018" in weak.answer
    sheet = "ce-que-j-ecris-ce-que-tu-lis.md"
    assert "Pour la séance demandée" in weak.answer and any(c.source.endswith(sheet) for c in weak.citations)
    assert weak.answer.index("3018") < weak.answer.index("Pour la séance demandée")
    monkeypatch.setattr(core.safety, "assess", lambda q, v=None: safety.Assessment(harassment, pupil=False, firm=True))
    firm = bundled_assistant.ask(question)
    assert "Pour la séance demandée" not in firm.answer and not any(c.source.endswith(sheet) for c in firm.citations)


def test_a_question_keeps_one_snapshot_while_an_ingestion_commits(bundled_assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    retriever = bundled_assistant.retriever
    with retriever.pinned() as snap:
        # an ingestion commits a newer snapshot halfway through the question
        monkeypatch.setattr(retriever.store, "current_name", lambda: "a-newer-snapshot")
        assert retriever.snapshot() is snap
        monkeypatch.undo()
    assert retriever.snapshot() is snap  # unpinned: the store's current snapshot again


def test_a_session_of_the_progression_just_given_is_laid_out_by_its_rank(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    # a tryout: « tu peux me détailler la première ? » after a plan was read as the lycée class « première »
    plan = bundled_assistant.ask("une progression de 5 séances sur les émotions pour mes CM1")
    history = [Turn.from_answer(plan)]
    sheets = [c.source for c in plan.citations if c.doc_type == "seance"]
    first = bundled_assistant.ask("tu peux me détailler la première ?", history=history)
    assert first.question == "tu peux me détailler la première ?"
    assert first.answer.startswith("### ") and first.citations[0].source == sheets[0]
    second = bundled_assistant.ask("et la deuxième ?", history=history + [Turn.from_answer(first)])
    assert second.citations[0].source == sheets[1]


def test_any_session_for_a_lycee_class_is_declined_with_the_nearest_sheets(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    # no sheet can be tagged for the lycée: one 3e sheet laid out in full would read as the answer
    answer = bundled_assistant.ask("vous avez des séances CPS toutes prêtes pour une classe de seconde au lycée ?")
    assert answer.abstained and "aucune n'est prévue pour le lycée" in answer.answer
    assert answer.citations and all(c.doc_type == "seance" for c in answer.citations)
    assert "(cycle 4)" in answer.answer.split("\n")[3]  # the oldest pupils' sheets first
    # a skill named: its nearest sheet, for the oldest pupils that have one, with what differs
    stress = bundled_assistant.ask("des idées de séances pour mes lycéens sur la confiance en soi ?")
    assert not stress.abstained and "n'est pas prévue pour le lycée" in stress.answer and "cycle 4" in stress.answer


def test_a_question_about_a_training_or_what_a_team_did_is_no_workshop_to_plan(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    price = bundled_assistant.ask("Quelles sont les dates et le tarif de la prochaine session de la formation de trois jours ?")
    assert price.abstained and "Atelier proposé" not in price.answer
    team = bundled_assistant.ask("Une équipe d'école qui se lance après une journée de formation : comment ils ont "
                                 "intitulé leur axe de projet ?")
    assert "Atelier proposé" not in team.answer and "Bien vivre ensemble" in team.answer.split("\n")[0]


def test_every_story_an_answer_quotes_says_it_is_one(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    # Found by a tryout: a newcomer's question on how the programme trained its teachers went on, second, to a made-up
    # trainer's account with no word that it was one (only the document an answer opens on carried its notice).
    from assistant.extractive import Citations, fiction_notice

    answer = bundled_assistant.ask("Dans En santé à l'école, comment les enseignants étaient-ils formés et accompagnés "
                                   "concrètement ? combien d'heures ?")
    snap = bundled_assistant.retriever.snapshot()
    stories = [s for s in dict.fromkeys(c.source for c in answer.citations)
               if fiction_notice(snap.document_chunks(s), Citations())]
    assert stories and answer.citations[0].source not in stories
    for source in stories:
        notice = fiction_notice(snap.document_chunks(source), Citations()).rsplit(" [", 1)[0]
        assert notice in answer.answer, source


def test_a_table_shown_whole_is_not_quoted_again_and_a_clipped_word_is_read(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    # Found by a tryout: the progression table was shown whole, then its second passage quoted again as « La suite ».
    answer = bundled_assistant.ask("progression sur l'année pour mes CM1, une séance toutes les 3 semaines, quelles "
                                   "compétences et dans quel ordre")
    rows = [line.strip("> ").split(" [")[0] for line in answer.answer.splitlines() if line.lstrip("> ").startswith("| ")]
    assert rows and len(rows) == len(set(rows)), rows
    # Found by a tryout: « coopé » was read as « coupe » and the request declined, though the GS sheet fits it.
    answer = bundled_assistant.ask("jeu de coopé en GS ? j'ai que la salle de motricité le mardi")
    assert not answer.abstained
    assert answer.citations[0].source.endswith("parachute-et-iles-cooperatives.md")


def test_a_sheet_asked_for_by_a_name_the_library_lacks_is_declined(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    """« la roue des émotions » shares its words with every emotions sheet: found on fresh7, the silhouette sheet was
    laid out as if it were that one. A title quoted as the library writes it is still answered."""
    absent = bundled_assistant.ask("y a t il une fiche 'la roue des emotions' pour des CP dans la biblio ?")
    assert absent.abstained and "ne contiennent pas « la roue des emotions »" in absent.answer
    assert "### " not in absent.answer  # no sheet laid out
    present = bundled_assistant.ask("une fiche sur le « feu rouge tortue » pour mes CP ?")
    assert not present.abstained and "feu-rouge-tortue" in present.citations[0].source


def test_a_session_asked_for_a_lycee_class_says_there_is_none_and_lists_the_nearest(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    """Found by the twenty-ninth session's tryout: the speaker's « je suis prof » hid the request, which got the
    guide's debriefing advice and no word on the lycée."""
    answer = bundled_assistant.ask("je suis prof en lycée, vous avez une séance CPS pour mes secondes ?")
    assert "aucune n'est prévue pour le lycée" in answer.answer
    assert "Les plus proches, à adapter" in answer.answer and "cycle 4" in answer.answer


def test_who_ran_the_programme_and_what_it_gave_open_on_the_right_passage(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    """Found by the twenty-ninth and thirtieth sessions' tryouts: « qui a porté le programme ? » opened on what came
    after it (« porté par l'Académie de Nantes »), « qui pilotait ? » on the glossary, « quels résultats pour En santé à
    l'école ? » on another programme's percentages."""
    who = bundled_assistant.ask("Qui a porté le programme En santé à l'école et sur quelles années ?")
    assert "§ Partenaires et coordination" in who.answer.split("\n\n")[1]
    glossary = bundled_assistant.ask("En santé à l'école : qui était derrière, qui pilotait et qui coordonnait ?")
    assert "Glossaire" not in glossary.answer.split("\n\n")[1]
    results = bundled_assistant.ask("quels résultats pour En santé à l'école ? est-ce que ça a marché ?")
    opening = results.answer.split("\n\n")[0]
    assert "réussite" in opening and "86 %" not in opening
    # the other programme's results, asked by its name, still open on them
    other = bundled_assistant.ask("Le programme « Prendre soin de soi », il a donné quels résultats chez les enfants ?")
    assert "§ Et après ?" in " ".join(other.answer.split("\n\n")[:2])


def test_how_often_and_how_long_asked_together_are_answered(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    """Found by the thirtieth session's tryout: the library never writes « fréquence », which read as a subject it
    lacks: the two-part question was declined as outside the library."""
    answer = bundled_assistant.ask("combien de temps doit durer une seance en maternelle et a quelle frequence")
    assert not answer.abstained and "maternelle" in answer.answer


def test_how_a_programme_the_library_only_names_works_is_said_not_to_be_described(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    """Found by the thirtieth session's tryout: « pHARe, il marche comment ? » was answered from the one line naming it
    and a programme's formats of support, which read as pHARe's steps."""
    answer = bundled_assistant.ask("le programme pHARe contre le harcelement il marche comment ? c quoi les etapes pour une ecole")
    assert answer.answer.startswith("*Les documents ne décrivent pas « pHARe »")
    described = bundled_assistant.ask("le 3018, il marche comment ?")
    assert "ne décrivent pas" not in described.answer


def test_programme_dates_and_counts_asked_after_a_greeting_open_on_the_figures(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    """Found by the thirtieth session's tryout: an introduction (« je viens d arriver comme infirmière… », apostrophes
    typed as spaces) chose the opening: what came after the programme (« Et après ? »), not its figures."""
    answer = bundled_assistant.ask("bonjour je viens d arriver comme infirmiere scolaire dans le 44, on m a parlé du programme "
                                   "en sante a l ecole, il a duré de quand a quand et combien d ecoles et d eleves ont participé ?")
    assert "91" in answer.answer.split("\n\n")[1] and "Et après" not in answer.answer.split("\n\n")[0]
    renamed = bundled_assistant.ask("L'ANPAA existe toujours sous ce nom ?")
    assert not renamed.abstained and "Addictions France" in renamed.answer.split("\n\n")[0]


def test_a_terse_request_naming_a_skill_gets_the_sheet_on_that_skill(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    """Found by the thirty-first session's tryout, on a version that let the skill model choose sheets only for requests
    read firmly as activity requests (reverted): « PS petite section estime de soi quoi faire » got the impulse-control
    sheet."""
    question = "PS petite section estime de soi quoi faire"
    found = bundled_assistant._retrieve(question, question, None, "hybrid")
    assert found.sheets[0].source.endswith("je-sais-faire-mur-des-reussites.md")


def test_what_the_cps_are_opens_on_their_definition(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    """Found by the thirty-second session's tryout: « c'est quoi les CPS ? » opened on the Charte d'Ottawa, the passage
    that introduces the document holding the definition, and gave the definition second."""
    for question in ("c'est quoi les CPS ?", "les compétences psychosociales, c'est quoi exactement ?"):
        opening = " ".join(bundled_assistant.ask(question).answer.split("\n\n")[:2])
        assert "définit les compétences psychosociales comme" in opening and "Ottawa" not in opening


def test_a_time_too_short_for_the_sheet_just_shown_gets_its_steps_and_says_so(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    """Found by the thirty-second session's tryout: « je n'ai que 20 min, je peux la couper en deux ? » after a sheet was
    declined, the library never writing « couper »."""
    first = bundled_assistant.ask("une activité sur les émotions pour mes CE1 ?")
    split = bundled_assistant.ask("je n'ai que 20 min, je peux la couper en deux ?", history=[Turn.from_answer(first)])
    assert not split.abstained and split.citations[0].source == first.citations[0].source
    opening = split.answer.split("###")[0]
    assert "plus que les 20 minutes dont vous disposez" in opening and "plusieurs temps" in opening
    assert "**Déroulement**" in split.answer and "**Matériel**" not in split.answer
    # a time given with another skill asks for another sheet (found in review: it kept the sheet just shown)
    other = bundled_assistant.ask("et sur la coopération, j'ai 40 min ?", history=[Turn.from_answer(first)])
    assert other.citations[0].source != first.citations[0].source and "coopér" in other.answer.split("###")[1][:200].lower()


def test_the_protection_guide_leads_only_questions_about_protecting_a_child(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    # Found by the thirty-seventh session's tryout: questions on running a session that share the guide's words (a pupil
    # who cries, what parents may be told) opened on it
    guide = bundled_assistant.retriever.protection_guide()
    assert guide is not None
    for question in ("En 5e, au cercle de parole, un élève raconte que ses parents divorcent et il pleure ; deux autres "
                     "ricanent. Comment réagir ?",
                     "Avant les séances sur les émotions, faut-il prévenir les parents ? Et si un parent veut savoir ce "
                     "que son fils a dit ?"):
        assert bundled_assistant.ranked_documents(question)[0] != guide, question
    for question in ("Le 119, on peut l'appeler la nuit ?", "Une information préoccupante, je l'envoie à qui ?",
                     "Le 3018, c'est pour quel âge ?"):
        assert bundled_assistant.ranked_documents(question)[0] == guide, question


def test_the_closer_sheet_a_notice_announces_heads_the_other_sheets(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    # Found by the thirty-eighth session's tryout: « …(en tête des autres séances) » named the CM1-6e sheet on
    # accepting differences for CP pupils, and the list of other sessions, kept to the class's cycle, left it out.
    answer = bundled_assistant.ask("CP, 30 min : plusieurs élèves se moquent des différences des autres (lunettes, "
                                   "accent, taille). Une activité pour accepter que chacun est différent ?")
    announced = re.search(r"Une autre fiche est plus proche de votre demande, mais écrite pour [^:]+ : « ([^»]+) »", answer.answer)
    assert announced, answer.answer[:600]
    others = answer.answer.split("**Autres séances qui peuvent convenir :**\n", 1)[1]
    assert others.startswith(f"- **{announced.group(1)}**"), others[:300]


def test_an_acronym_spelled_out_for_the_search_does_not_make_a_question_about_it_in_scope(bundled_assistant) -> None:  # type: ignore[no-untyped-def]
    # « l'ARS » is searched with « Agence régionale de santé » (acronyms.spell_out_named); read with those words, the
    # scope model took « Le directeur de l'ARS, il s'appelle comment ? » for a question on health, and it was answered.
    assert bundled_assistant.ask("Le directeur de l'ARS, il s'appelle comment ?").abstained
    answer = bundled_assistant.ask("Le cartable des CPS, c'est en lien avec les programmes officiels (EMC, parcours "
                                   "éducatif de santé) ou c'est à côté ?")
    assert not answer.abstained and "enseignement moral et civique" in answer.answer.split("\n\n")[0]
