"""The command line without models: empty questions, French help and errors, progress bars with true
speeds, the safety numbers named, and no model-loading bar on `ask` (one integration test)."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from assistant import cli
from ingest.progress import ProgressBars
from assistant.schema import Answer, Citation, Safety

# What click prints when left in English.
_ENGLISH = re.compile(r"Usage:|Show this message|Show the version|Commands:|default:|Error:|Try '|Missing argument|No such"
                      r"|is not|\b(?:TEXT|PATH|INTEGER|FLOAT|COMMAND)\b")


def _english(text: str) -> list[str]:
    return _ENGLISH.findall(text)


class _NoModel:
    """Stands for `Assistant.from_settings`: fails if a command would load models."""

    @classmethod
    def from_settings(cls, settings, embeddings=None):  # type: ignore[no-untyped-def]
        raise AssertionError("the model must not be loaded")


def _invoke(args: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, stdin: str | None = None) -> click.testing.Result:
    monkeypatch.setenv("CARTABLE_STORE", str(tmp_path / "store"))  # never the user's data directory
    return CliRunner().invoke(cli.main, args, input=stdin, prog_name="cartable")


@pytest.mark.parametrize("question", ["", "   ", "\t\n"])
def test_empty_question_is_a_french_error_without_loading_the_model(question: str, monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    import assistant.core

    monkeypatch.setattr(assistant.core, "Assistant", _NoModel)
    result = _invoke(["ask", question], monkeypatch, tmp_path)
    assert result.exit_code == 2, result.output
    assert "Erreur : la question est vide" in result.output
    assert "Utilisation : cartable ask" in result.output
    assert not _english(result.output), result.output


def _fake_assistant(asked: list[str]):  # type: ignore[no-untyped-def]
    class Fake:
        @classmethod
        def from_settings(cls, settings, embeddings=None):  # type: ignore[no-untyped-def]
            return cls()

        def ask(self, question: str, filters=None, mode: str = "hybrid", use_llm=None) -> Answer:  # type: ignore[no-untyped-def]
            asked.append(question)
            if "frappe" in question:
                return Answer(question=question, answer="### ⚠️ Que faire",
                              safety=Safety("violences", "Violences et maltraitance", ["119", "17", "infirmière scolaire"]))
            return Answer(question=question, answer=f"Réponse à {question} [1]",
                          citations=[Citation(n=1, source="corpus/a.md", title="Fiche A", doc_type="seance", locator="§ Déroulement",
                                              snippet="Le passage.", chunk_id="c1")])

    return Fake


def test_questions_on_stdin_skip_blank_lines(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import assistant.core

    asked: list[str] = []
    monkeypatch.setattr(assistant.core, "Assistant", _fake_assistant(asked))
    result = _invoke(["ask", "--json", "-"], monkeypatch, tmp_path, stdin="\n  \nPremière ?\n\n\t\nDeuxième ?\n")
    assert result.exit_code == 0, result.output
    assert asked == ["Première ?", "Deuxième ?"]
    assert len([line for line in result.output.splitlines() if line.startswith("{")]) == 2


def test_safety_numbers_are_named_before_the_answer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import assistant.core

    monkeypatch.setattr(assistant.core, "Assistant", _fake_assistant([]))
    result = _invoke(["ask", "Son père le frappe, que faire ?"], monkeypatch, tmp_path)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Violences et maltraitance" in lines[0]
    assert lines[1].strip().startswith("119 – Allô Enfance en danger (gratuit, 24 h/24, 7 j/7")
    assert lines[2].strip().startswith("17 – police-gendarmerie")
    assert lines[3].strip() == "infirmière scolaire"
    assert result.output.index("119 –") < result.output.index("### ⚠️ Que faire")


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[list[str]]:
    """Every command and group of the CLI, so commands added later are checked too."""
    paths = [list(prefix)]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths += _command_paths(command, (*prefix, name))
        else:
            paths.append([*prefix, name])
    return paths


HELP_PAGES = _command_paths(cli.main)


@pytest.mark.parametrize("command", HELP_PAGES, ids=lambda c: " ".join(c) or "cartable")
def test_help_is_french(command: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert {"ask", "ingest", "serve", "eval"} <= {c[0] for c in HELP_PAGES if c}
    result = _invoke([*command, "--help"], monkeypatch, tmp_path)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Utilisation : cartable"), out
    assert "-h, --help" in out and "Affiche cette aide et quitte." in out
    assert not _english(out), out
    if not command:
        assert "Affiche la version et quitte." in out and "Commandes:" in out
        assert "Utilisation : cartable [OPTIONS] COMMANDE [ARGS]..." in out
    if command == ["ask"]:
        assert "[défaut : hybrid]" in out and "--store CHEMIN" in out and "--cycle CYCLE" in out


@pytest.mark.parametrize(("args", "message"), [
    (["ask", "--cycle", "7", "x"], "Erreur : valeur invalide pour '--cycle' : 7 n'est pas dans l'intervalle"),
    (["ask"], "Erreur : argument manquant : QUESTION."),
    (["ask", "--bogus", "x"], "Erreur : option inconnue : --bogus."),
    (["bogus"], "Erreur : commande inconnue : « bogus »."),
    (["serve", "--port", "abc"], "Erreur : valeur invalide pour '--port' : « abc » n'est pas un nombre entier."),
])
def test_usage_errors_are_french(args: list[str], message: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = _invoke(args, monkeypatch, tmp_path)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Aide : cartable" in result.output
    assert not _english(result.output), result.output


def test_domain_errors_are_french(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = _invoke(["ask", "Une question ?"], monkeypatch, tmp_path)  # empty store: nothing to answer from
    assert result.exit_code == 1
    assert result.output.startswith("Erreur : ") and "Error" not in result.output


def _rates(text: str) -> list[float]:
    return [float(r) for r in re.findall(r"([\d.]+) ?passages/s", text)]


def test_embedding_bar_shows_true_speed() -> None:
    out = io.StringIO()
    bars = ProgressBars(True, file=out)
    bars("files", 1, 2)
    bars("files", 2, 2)
    # The pipeline reports after each batch of 128: the first report comes when a batch is already done.
    for done in (128, 256, 384):
        time.sleep(0.3)
        bars("embeddings", done, 384)
    bars.close()
    text = out.getvalue()
    assert "Encodage" in text and "384/384" in text and "Fichiers" in text
    rates = _rates(text)
    assert len(rates) >= 3 and "?" not in text.split("Encodage")[-1], text
    # At most 128 passages per 0.3 s were embedded (sleeping longer only lowers it); counting the first
    # batch as instantaneous gave millions of passages per second.
    assert max(rates) <= 128 / 0.3 * 1.05, text


def test_single_batch_gets_its_real_duration() -> None:
    out = io.StringIO()
    bars = ProgressBars(True, file=out)
    bars("files", 1, 1)
    time.sleep(0.4)
    bars("embeddings", 100, 100)  # one batch: one report, at its end
    bars.close()
    rates = _rates(out.getvalue())
    assert rates and max(rates) <= 100 / 0.4 * 1.05, out.getvalue()


def test_no_bars_when_quiet() -> None:
    out = io.StringIO()
    bars = ProgressBars(False, file=out)
    bars("embeddings", 128, 256)
    bars.close()
    assert out.getvalue() == ""


@pytest.mark.integration
def test_selectable_minilm_loads_without_a_progress_bar(capfd: pytest.CaptureFixture[str]) -> None:
    from transformers.utils import logging as transformers_logging

    from assistant.backends import build_embeddings
    from assistant.settings import BUNDLED_MINILM, Settings

    transformers_logging.enable_progress_bar()  # as a fresh process starts: another test may have switched it off
    embeddings = build_embeddings(Settings(embedding_model=BUNDLED_MINILM))
    assert len(embeddings.embed_query("Bonjour")) == 384
    captured = capfd.readouterr()
    assert "Loading weights" not in captured.err + captured.out
    assert "it/s" not in captured.err
