"""Fast tests of activity-intent recognition: requests for something to run with a class are
recognised however they are worded; questions about the programme or about training adults are not."""

from __future__ import annotations

import pytest

from assistant import query
from assistant.query import understand


@pytest.mark.parametrize("question", [
    "je dois animer 1 h avec des CM1… une idée ?",
    "Vous avez une fiche pour des CE2 sur la coopération ?",
    "Y a-t-il quelque chose de prêt pour des 5e sur les conflits ?",
    "Comment aider mes GS à attendre leur tour ?",
    "Qu'est-ce que je peux faire avec mes CM2 pour qu'ils s'écoutent ?",
    "Quel outil donner à des CP pour se calmer ?",
    "un truc pour que mes 4e arrêtent de se couper la parole",
    "gestion du stress 3e ?",
    "je voudrais un travail de groupe sur l'entraide pour mes CE2",
    # the request closes the message, after the situation (a tryout: read by meaning alone, it got a write-up)
    "mes CM1 se moquent tout le temps de ceux qui se trompent au tableau, une séance ?",
    # found by the twenty-ninth session's tryout: a lycée class is a class named, and the speaker's own role
    # (« prof », spelled out « enseignant ») is no adult audience
    "je suis prof en lycée, vous avez une séance CPS pour mes secondes ?",
    # a session heard of is one asked for (« parler d'une séance », not « la fin d'une séance »)
    "Mes CE2 s'inquiètent pour plein de petites choses. J'ai entendu parler d'une séance avec une boîte, comment ça marche ?",
])
def test_requests_for_something_to_run_with_a_class_are_activity_requests(question: str) -> None:
    info = understand(question)
    assert info.wants_activity
    assert "seance" in info.doc_types


@pytest.mark.parametrize("question", [
    "Qu'est-ce que le cartable des CPS ?",
    "Combien de séances ont été menées en CE2 pendant l'évaluation ?",
    "Je dois animer une formation pour des collègues de cycle 3, une idée ?",
    "Comment aider les enseignants à transférer les CPS en classe ?",
    "Comment les CM1 ont-ils vécu le programme ?",
    # found by a tryout: « comment organiser » alone made the relay between adults an activity request
    "En co-intervention avec une enseignante, comment organiser le passage de relais pour qu'elle anime seule ensuite ?",
    "concretement on cherche a transmettre quoi aux enseignants ? des activités ?",
    # found by the thirty-second session's tryout: a moment of a session being run (« à la fin d'une séance avec des
    # petits ») asks how to conduct it; it got the conflict sheet for MS-GS
    "Comment faire le bilan à la fin d'une séance avec des petits de maternelle qui parlent peu ?",
    # found by the thirty-fourth session's tryout: an activity already run (« après une activité sur… ») is no request
    # for one; the grading question got the emotions sheet laid out
    "faut-il noter les élèves après une activité sur les émotions ?",
])
def test_questions_about_the_programme_or_adults_are_not(question: str) -> None:
    info = understand(question)
    assert not info.wants_activity
    # a question asking no activity prefers guides a little (retrieve.GUIDE_BOOST), never sheets
    assert "guide" in info.doc_types and "seance" not in info.doc_types


def test_a_bare_skill_and_class_is_a_request_but_a_question_word_makes_it_a_question() -> None:
    assert understand("confiance en soi CE1 ?").wants_activity
    assert not understand("la confiance en soi en CE1, c'est quoi ?").wants_activity
    # Without a class, a bare skill is a topic, not a request for a sheet.
    assert not understand("confiance en soi ?").wants_activity


def test_everyday_words_of_stress_and_attention_name_their_competence() -> None:
    assert understand("mes CP sont angoissés par plein de choses, un atelier pour relâcher la pression ?").competences == ("gerer_stress",)
    assert understand("en 4e ils n'arrivent plus à se concentrer en cours, une séance ?").competences == ("maitrise_de_soi",)
    # found by the thirty-second session's tryout: « confiance en eux » is « confiance en soi » said of the pupils (the
    # request got the assertiveness sheet, for its « adultes de confiance »)
    assert understand("En CE2 ils répètent « je suis nul », comment leur redonner confiance en eux ?").competences == ("conscience_de_soi",)
    assert understand("des élèves de CM2 très distraits").competences == ("maitrise_de_soi",)
    # a word that merely starts like one (« tractation », « distribuer ») names nothing
    assert understand("distribuer les rôles d'une tractation").competences == ()


@pytest.mark.parametrize("question, step, follow_up", [
    ("et l'étape 3 ?", 3, True),
    ("on fait quoi à l'étape 3 ?", 3, True),
    ("et la deuxième étape ?", 2, True),
    ("la dernière étape dure combien ?", -1, True),
    ("une première étape pour démarrer les CPS ?", None, False),  # indefinite: a question of its own
    ("étape par étape, comment monter un projet CPS ?", None, False),
    ("Quelle est la première étape pour monter un projet CPS dans une école ?", 1, False),  # too long to lean on a sheet
])
def test_a_step_named_by_its_number(question: str, step: int | None, follow_up: bool) -> None:
    from assistant.query import asked_step, is_follow_up

    assert asked_step(question) == step
    assert is_follow_up(question) is follow_up


def test_a_message_opening_on_et_leans_on_the_previous_turn_even_when_it_runs_on() -> None:
    from assistant.query import is_follow_up

    # found by a tryout: 17 words, so it was read alone and got an MS-GS sheet instead of the PS one just shown
    assert is_follow_up("et avec des tout-petits de PS ça marche aussi ? qu'est-ce qu'il faut changer ?")
    assert not is_follow_up("Je voudrais une séance sur la prise de décision en 4e, autour d'une soirée où il y aura "
                            "de l'alcool, sans faire la morale.")


@pytest.mark.parametrize("question, dangling", [
    ("et pour les plus petits ?", True),  # a tryout, asked first: it got a CM1-6e sheet
    ("et il y en a combien ?", True),
    ("mais pour des 6e ça marche aussi ?", True),
    ("Et si un élève pleure ?", False),  # names its subject: a question of its own
    ("et la colère ?", False),
    ("et l'OMS à l'époque, c'était combien ?", False),
    ("Pour les plus petits, une activité sur la colère ?", False),
])
def test_a_few_words_naming_no_subject_lean_on_a_turn(question: str, dangling: bool) -> None:
    from assistant.query import leans_on_a_turn

    assert leans_on_a_turn(question) is dangling


@pytest.mark.parametrize("question, follow_up", [
    ("l'idée leur est venue d'où ?", True),  # fresh4: read alone, it got the rules of a session sheet
    ("ça leur a pris combien de temps ?", True),
    ("comment leur expliquer la colère ?", False),  # « leur » before a verb in the infinitive: a question of its own
])
def test_leur_before_a_conjugated_verb_points_back(question: str, follow_up: bool) -> None:
    from assistant.query import is_follow_up

    assert is_follow_up(question) is follow_up


def test_a_new_class_replaces_the_previous_one_in_a_follow_up() -> None:
    from assistant.query import condense

    condensed = condense("et avec des PS ?", "Une activité pour calmer ma classe de GS après la récré")
    assert "PS" in condensed and "GS" not in condensed


@pytest.mark.parametrize("question, follow_up", [
    ("qu'est-ce que je change si j'ai que des petites sections ?", True),  # found by a tryout
    ("comment l'adapter pour des CP ?", True),
    ("comment adapter une séance sur la colère pour des CP ?", False),  # names its own skill
    ("Comment adapter les séances CPS pour des élèves de ULIS ?", False),  # names no class
])
def test_what_to_change_for_a_class_leans_on_the_sheet_just_shown(question: str, follow_up: bool) -> None:
    from assistant.query import is_follow_up

    assert is_follow_up(question) is follow_up


@pytest.mark.parametrize("question, shorter", [
    ("tu peux raccourcir ?", True), ("en bref ?", True), ("tu me fais un résumé ?", True),
    ("Raccourcir l'attente au toboggan, une activité pour des PS ?", False),
    ("comment résumer le rapport d'évaluation du programme en réunion de parents d'élèves la semaine prochaine ?", False),
])
def test_asking_for_the_answer_shorter(question: str, shorter: bool) -> None:
    assert query.asks_shorter(question) is shorter
    if shorter:
        assert query.is_follow_up(question)


@pytest.mark.parametrize("question, nxt", [
    ("et la suite ?", True), ("et après ?", True), ("je fais quoi à la séance d'après ?", True),
    ("la suite, on enchaîne avec quoi ?", True), ("quelle est la suite du programme En santé à l'école ?", False),
    ("après la récré mes CE1 sont agités, une idée ?", False),
])
def test_asking_what_follows_the_sheet_just_shown(question: str, nxt: bool) -> None:
    assert query.asks_next_session(question) is nxt


def test_where_to_start_is_spelled_out_only_when_the_question_says_nothing_else() -> None:
    assert query.where_to_start("je débute, je commence par où") != "je débute, je commence par où"
    assert "conduire une séance" in query.where_to_start("par où commencer ?")
    for other in ("former des formateurs CPS : comment s'organise la préparation, par quoi on commence ?",
                  "les erreurs classiques d'un tuteur debutant ?", "par où commencer avec mes CP ?"):
        assert query.where_to_start(other) == other


def test_a_ritual_is_an_everyday_practice_not_a_session_unless_one_is_named() -> None:
    # Found by a tryout: « un petit rituel » for a noisy class got a 40-minute session, not the guide's minute of calm.
    assert not understand("un petit rituel pour calmer ma classe de CE2 après la cantine ?").wants_activity
    assert understand("une activité rituel d'accueil en PS").wants_activity


def test_emotions_named_one_after_another_are_emotions_to_recognise() -> None:
    from assistant.query import skills_named
    from assistant.vocabulary import fold

    listed = fold("Je voudrais que mes CP repèrent où ils sentent la peur, la joie, la colère dans leur corps.")
    assert skills_named(listed) == ("conscience_emotions",)
    assert skills_named(fold("gérer la peur et la colère en CE1")) == ("reguler_emotions",)
    assert skills_named(fold("une activité sur la colère")) == ("reguler_emotions",)
    # emotions named by their adjectives too (« s'ils sont tristes ou en colère »), as a pupil would say them
    assert skills_named(fold("pour que les petits arrivent à dire s'ils sont tristes ou en colère")) == ("conscience_emotions",)


def test_a_message_pointing_back_leans_on_the_previous_turn_even_when_it_runs_on() -> None:
    from assistant.query import is_follow_up

    # fresh3 t030: 15 words after the message-clair sheet; read alone it got a goal-setting sheet
    assert is_follow_up("j'ai un double niveau avec des ce2, je peux corser un peu pour eux ?")
    assert not is_follow_up("j'ai un double niveau CE1-CE2 et je cherche une activité sur la coopération pour la rentrée")


@pytest.mark.parametrize(("question", "rank"), [
    ("tu peux me détailler la première ?", 1),
    ("la 2e séance c'est quoi ?", 2),
    ("et la séance 3 ?", 3),
    ("et la dernière ?", -1),
    ("et pour des premières ?", None),  # a class
    ("la première étape ?", None),  # a step of a sheet
])
def test_a_session_asked_by_its_rank(question: str, rank: int | None) -> None:
    from assistant.query import asked_session

    assert asked_session(question) == rank


@pytest.mark.parametrize("question, another", [
    ("ça passe aussi avec des MS ?", False),
    ("Et pour des CP, c'est adaptable ?", False),
    ("tu as autre chose pour des CE2 ?", True),
    ("une activité différente pour des CM1 ?", True),
    ("et une deuxième séance en CP ?", True),
    ("un nouveau jeu pour des CE2 ?", True),
    ("encore une pour des CM1 ?", True),
    ("et en seconde ?", False),
])
def test_a_follow_up_asking_for_another_sheet_is_told_apart_from_one_asking_about_the_sheet_shown(question: str, another: bool) -> None:
    assert query.asks_another(question) is another


@pytest.mark.parametrize("question, fits, follow_up", [
    ("je n'ai que 20 min, je peux la couper en deux ?", True, True),  # tryout 32: declined, « couper » unknown
    ("on la fait en deux fois ?", True, True),
    ("j'ai 45 min, ça tient ?", True, True),
    ("je la trouve où, la fiche ?", False, True),
    ("je voudrais faire la séance sur la colère demain", False, False),  # « la » before a noun leans on nothing
    ("et sur la coopération, j'ai 40 min ?", False, True),  # another sheet asked, with the time the teacher has
    ("j'ai 30 min demain, une activité sur le stress ?", False, False),
    ("une activité sur la coopération en CE1 ?", False, False),
])
def test_the_time_the_teacher_has_or_a_split_is_asked_of_the_sheet_just_shown(question: str, fits: bool, follow_up: bool) -> None:
    from assistant.query import fits_in_time, is_follow_up

    assert fits_in_time(question) is fits
    assert is_follow_up(question) is follow_up


@pytest.mark.parametrize("message, asked", [
    # a later question on preparing, running or adapting the sheet is not what the request is about
    ("Mes CP n'ont pas les mots pour dire ce qu'ils ressentent. Vous avez une séance pour ça ? Et il y a quelque chose à "
     "préparer à l'avance ?", "Mes CP n'ont pas les mots pour dire ce qu'ils ressentent. Vous avez une séance pour ça ?"),
    ("une activité sur l'inclusion en CM1 ? et y a des precautions ?", "une activité sur l'inclusion en CM1 ?"),
    ("une séance sur la coopération ? ça dure combien de temps ? il faut quel matériel ?",
     "une séance sur la coopération ?"),
    # a later question on the subject stays; so does a message asking once
    ("Une séance sur la colère ? Et c'est quoi les outils pour la faire redescendre ?",
     "Une séance sur la colère ? Et c'est quoi les outils pour la faire redescendre ?"),
    ("une activité de 20 min sur la coopération en CM2", "une activité de 20 min sur la coopération en CM2"),
    ("combien de temps dure le jeu du parachute ?", "combien de temps dure le jeu du parachute ?"),
])
def test_a_request_is_read_without_its_later_questions_on_running_the_sheet(message: str, asked: str) -> None:
    from assistant.query import request_without_details

    assert request_without_details(message) == asked


@pytest.mark.parametrize(("message", "read"), [
    # found by a tryout: « 25 min » and « vendredi » read a request about quarrels as one about self-control
    ("j'ai 25 min avec mes CE1 vendredi, ils se disputent tout le temps pour les jeux de ballon, une activité ?",
     "avec mes CE1, ils se disputent tout le temps pour les jeux de ballon, une activité?"),
    ("une séance de 45 minutes le jeudi après-midi en CM1 sur la colère", "une séance en CM1 sur la colère"),
    ("En 1h30, CE2 : coopération", "CE2: coopération"),
    ("En demi-groupe (12 élèves), 35 min : une activité sur la colère", "une activité sur la colère"),
    ("Une activité sur la colère ? Classe entière, 27 élèves.", "Une activité sur la colère?"),
    # nothing left but the schedule: the message as written
    ("j'ai que 20 min demain matin", "j'ai que 20 min demain matin"),
    ("une activité sur la coopération en CM2 ?", "une activité sur la coopération en CM2 ?"),
])
def test_the_skill_asked_is_read_without_when_and_for_how_long_the_class_is_had(message: str, read: str) -> None:
    from assistant.query import skill_request

    assert skill_request(message) == read
