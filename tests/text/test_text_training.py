"""seqlab.recipes.text_training: the default recipe behind `seqlab train-text`."""

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from seqlab.data.text import TextCorpus, sequence_windows
from seqlab.errors import ValidationError
from seqlab.problems.corpora import corpus_path
from seqlab.recipes.text_training import TextTrainingConfig, train_text

SHAKESPEARE = corpus_path("tinyshakespeare")


@pytest.fixture(scope="module")
def play(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("text") / "play.txt"
    path.write_text(SHAKESPEARE.read_text()[:12_000])
    return path


def small(**options) -> TextTrainingConfig:
    settings = dict(units=32, embedding_dim=8, seq_len=16, batch_size=8, epochs=4,
                    sample_length=20)
    return TextTrainingConfig(**{**settings, **options})


def held_out(path: Path, config: TextTrainingConfig) -> tuple[np.ndarray, np.ndarray]:
    _, val = TextCorpus.from_file(path).split(config.val_fraction)
    x, y = sequence_windows(np.ascontiguousarray(val), config.seq_len)
    keep = len(x) // config.batch_size * config.batch_size
    return x[:keep], y[:keep]


def reported(lines: list[str]) -> list[tuple[str, float]]:
    """(epoch label, held-out loss) of every progress line."""
    found = re.findall(r"^epoch ([\d.]+): .*held-out loss ([\d.]+)", "\n".join(lines), re.M)
    return [(at, float(loss)) for at, loss in found]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_overfitting_run_returns_its_best_held_out_weights(play, seed):
    # LSTM(128) without dropout on 10,800 characters overfits after a few epochs.
    config = small(units=128, epochs=10, lr=0.02, dropout=0.0, seed=seed)
    lines: list[str] = []
    trainer = train_text(play, config, echo=lines.append).trainer
    checks = reported(lines)
    assert len(checks) == 10 * config.checks_per_epoch
    best_at, best = min(checks, key=lambda check: check[1])
    assert best_at != checks[-1][0], "the run did not overfit: nothing to restore"
    restored = trainer.evaluate(*held_out(play, config), batch_size=8)["loss"]
    assert restored == pytest.approx(best, abs=1e-4)
    assert lines[-1] == (f"kept the weights of epoch {best_at} (held-out loss {best:.4f}), "
                         "the best held out")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_with_a_moving_average_the_checks_and_the_kept_weights_are_the_average(play, seed):
    config = small(units=64, epochs=3, lr=0.02, ema=0.95, seed=seed)
    run = train_text(play, config, echo=lambda line: None)
    restored = run.trainer.evaluate(*held_out(play, config), batch_size=8)["loss"]
    assert restored == pytest.approx(run.best.loss, abs=1e-4)
    plain = train_text(play, replace(config, ema=0.0), echo=lambda line: None)
    # Training itself went the same way; only what the checks saw differs.
    assert run.trainer.history_["loss"] == plain.trainer.history_["loss"]
    assert [c.loss for c in run.checks] != pytest.approx([c.loss for c in plain.checks])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_average_warmed_up_is_not_held_back_by_the_untrained_weights(play, seed):
    # 84 batches an epoch: without the warm-up 0.998 ** 84 = 0.85 of the average is still
    # the untrained weights after it; with it, almost none.
    config = small(epochs=1, seed=seed)
    warm = train_text(play, config, echo=lambda line: None)
    cold = train_text(play, replace(config, ema_warmup=False), echo=lambda line: None)
    assert warm.trainer.history_["loss"] == cold.trainer.history_["loss"]  # same training
    assert warm.checks[-1].loss < cold.checks[-1].loss - 0.3, (warm.checks, cold.checks)


@pytest.mark.parametrize("checks, labels", [
    (None, ["1", "2"]),  # the default: one check an epoch, at its end
    (4, ["0.25", "0.50", "0.75", "1", "1.25", "1.50", "1.75", "2"])])
def test_each_epoch_reports_held_out_loss_and_a_sample(play, checks, labels):
    lines: list[str] = []
    more = {} if checks is None else {"checks_per_epoch": checks}
    train_text(play, small(epochs=2, **more), echo=lines.append)
    assert [at for at, _ in reported(lines)] == labels
    assert all("perplexity" in line for line in lines if line.startswith("epoch "))
    assert sum("sample at T=0.5" in line for line in lines) == 2


def test_more_checks_than_batches_an_epoch_are_said_to_be_one_a_batch(tmp_path):
    # --checks-per-epoch 1000 on an epoch of fewer batches became one check a batch unsaid.
    text = tmp_path / "short.txt"
    text.write_text("abcdefgh " * 60)
    lines: list[str] = []
    config = small(units=8, seq_len=8, batch_size=4, epochs=1, sample_length=0,
                   checks_per_epoch=1000)
    train_text(text, config, echo=lines.append)
    notes = [line for line in lines if "--checks-per-epoch" in line]
    assert len(notes) == 1, lines
    found = re.fullmatch(r"note: --checks-per-epoch 1000 is more than the (\d+) batch\(es\) of "
                         r"an epoch: checking the held-out loss after every batch instead "
                         r"\((\d+) checks per epoch\)", notes[0])
    assert found and found[1] == found[2], notes[0]
    assert len(reported(lines)) == int(found[1]) < 1000
    # as many checks as batches or fewer: no note
    quiet: list[str] = []
    train_text(text, replace(config, checks_per_epoch=int(found[1])), echo=quiet.append)
    assert not any("--checks-per-epoch" in line for line in quiet)


def test_the_run_keeps_what_it_printed(play):
    lines: list[str] = []
    run = train_text(play, small(epochs=2), echo=lines.append)
    assert [(check.epoch, round(check.loss, 4)) for check in run.checks] == [
        (float(at), loss) for at, loss in reported(lines)]
    minutes = [check.minutes for check in run.checks]
    assert minutes == sorted(minutes) and minutes[0] > 0
    assert len(run.samples) == 2 and all(len(sample) == 20 for sample in run.samples)
    printed = [line for line in lines if "sample at" in line]
    assert all(repr(sample)[1:-1] in line for sample, line in zip(run.samples, printed, strict=True))
    assert run.best == min(run.checks, key=lambda check: check.loss)
    assert run.first_at_or_below(run.best.loss).loss <= run.best.loss
    assert run.first_at_or_below(run.checks[0].loss) == run.checks[0]
    assert run.first_at_or_below(0.0) is None


def test_learning_rate_decays_along_the_run(play):
    trainer = train_text(play, small(epochs=3, lr=0.01), echo=lambda line: None).trainer
    rates = trainer.history_["lr"]
    assert rates[0] < 0.01 and rates == sorted(rates, reverse=True)
    assert rates[-1] == pytest.approx(0.01 * 0.05)


def test_a_time_budget_ends_the_run_early(play):
    lines: list[str] = []
    run = train_text(play, small(epochs=500, minutes=0.05), echo=lines.append)
    trainer = run.trainer
    assert len(trainer.history_) < 500
    assert run.stopped_by == "minutes"
    # It ends on the last whole epoch that fits, or cuts one short if the machine slowed.
    epochs = len(trainer.history_)
    assert any((line.startswith(f"stopped after {epochs} of 500 epoch(s)")
                or re.match(rf"stopped \d+ of \d+ batches into epoch {epochs} of 500", line))
               and "time budget of 0.05 min" in line for line in lines)
    assert trainer.history_["lr"][-1] == pytest.approx(small().lr * 0.05)


def test_epochs_running_out_first_are_named_not_the_time_budget(play):
    # Regression: `--epochs 1 --minutes 5` stopped after the epoch, saying "time budget of
    # 5 min reached".
    lines: list[str] = []
    run = train_text(play, small(epochs=1, minutes=5), echo=lines.append)
    assert run.stopped_by == "epochs"
    assert len(run.trainer.history_) == 1
    assert not any("ran out first" in line or "reached" in line for line in lines)
    assert any("stopped after all 1 epoch(s)" in line for line in lines)


@pytest.mark.parametrize("field, value", [("cell", "transformer"), ("units", 0),
                                          ("lr", 0.0), ("dropout", 1.5), ("minutes", -1.0),
                                          ("dropout_mask", "time"), ("ema", 1.0)])
def test_bad_settings_name_the_setting(play, field, value):
    with pytest.raises(ValidationError, match=f"'{field}'"):
        train_text(play, small(**{field: value}), echo=lambda line: None)


@pytest.mark.parametrize("where, value", [("path", None), ("path", 123), ("out", ""),
                                          ("out", 5)])
def test_a_path_that_is_no_path_is_named(play, where, value):
    # Regression: train_text(None) raised pathlib's TypeError, and out="" was read as the
    # current folder ("The bundle path . is a folder that is not a seqlab bundle").
    paths = {"path": play, "out": None, where: value}
    with pytest.raises(ValidationError, match=f"'{where}' parameter of train_text must be "
                                              f"a file path.*Got {re.escape(repr(value))}"):
        train_text(paths["path"], small(), out=paths["out"], echo=lambda line: None)


def test_an_open_bound_is_said_so():
    with pytest.raises(ValidationError, match=r"\[0.0, 1.0\)\. Got 1.0"):
        TextTrainingConfig(ema=1.0).validate()


@pytest.mark.parametrize("seed", [0, 1])
def test_a_sequence_dropout_mask_trains_and_is_kept_in_the_bundle(play, tmp_path, seed):
    from seqlab.bundle import load
    from seqlab.generate import generate_text

    out = tmp_path / "lm"
    run = train_text(play, small(dropout_mask="sequence", seed=seed), out=out,
                     echo=lambda line: None)
    assert run.trainer.model.spec.dropout_mask == "sequence"
    # It learns: the held-out loss falls well below the first check's.
    assert run.best.loss < run.checks[0].loss - 0.2, run.checks
    bundle = load(out)
    assert bundle.spec.dropout_mask == "sequence"
    assert len(generate_text(bundle.model, run.corpus.vocab, "ROMEO", 30, seed=seed)) == 30


OLD_DEFAULTS = dict(lr=5e-3, dropout_mask="step", ema=0.0, checks_per_epoch=4)
"""train-text's defaults before the best-known settings became them."""


def test_the_defaults_are_the_best_known_settings():
    config = TextTrainingConfig()
    assert (config.dropout_mask, config.lr, config.ema, config.ema_warmup,
            config.checks_per_epoch) == ("sequence", 8e-3, 0.998, True, 1)


def _record_as_before(play, folder, config, *removed):
    """The settings file of a run started with `config` by a seqlab that had not yet the
    settings `removed`."""
    import json

    from seqlab.recipes.text_training import _RUN_FILE, _match_run_settings

    _match_run_settings(folder, config, play, resume=False, main=True)
    record = json.loads((folder / _RUN_FILE).read_text())
    for name in removed:
        del record[name]
    (folder / _RUN_FILE).write_text(json.dumps(record))


def test_a_checkpoint_recorded_before_a_setting_existed_resumes_as_it_was_then(play, tmp_path):
    from seqlab.recipes.text_training import _match_run_settings

    folder = tmp_path / "lm.checkpoint"
    # Started before dropout_mask, ema and ema_warmup existed: a fresh mask every step and
    # no average.
    _record_as_before(play, folder, small(**OLD_DEFAULTS), "dropout_mask", "ema",
                      "ema_warmup")
    _match_run_settings(folder, small(**OLD_DEFAULTS), play, resume=True, main=True)
    # Without the average its warm-up changes nothing, so either value resumes it.
    _match_run_settings(folder, small(**OLD_DEFAULTS, ema_warmup=False), play, resume=True,
                        main=True)
    with pytest.raises(ValidationError, match=r"dropout_mask 'step' then, 'sequence' now"):
        _match_run_settings(folder, small(**{**OLD_DEFAULTS, "dropout_mask": "sequence"}),
                            play, resume=True, main=True)
    # An average started before the warm-up existed ran without one.
    _record_as_before(play, folder, small(ema=0.99), "ema_warmup")
    with pytest.raises(ValidationError, match=r"ema_warmup False then, True now.*"
                                              r"add --no-ema-warmup\)"):
        _match_run_settings(folder, small(ema=0.99), play, resume=True, main=True)
    _match_run_settings(folder, small(ema=0.99, ema_warmup=False), play, resume=True,
                        main=True)


def test_a_run_started_with_the_old_defaults_names_the_options_that_resume_it(play, tmp_path):
    from seqlab.recipes.text_training import _match_run_settings

    folder = tmp_path / "lm.checkpoint"
    _record_as_before(play, folder, small(**OLD_DEFAULTS), "ema_warmup")
    with pytest.raises(ValidationError) as refused:
        _match_run_settings(folder, small(), play, resume=True, main=True)
    message = str(refused.value)
    assert "lr 0.005 then, 0.008 now" in message and "ema 0.0 then, 0.998 now" in message
    assert message.endswith("(seqlab's defaults may have changed since it started: add --lr "
                            "0.005 --dropout-mask step --ema 0.0 --checks-per-epoch 4).")
    _match_run_settings(folder, small(**OLD_DEFAULTS), play, resume=True, main=True)


def test_a_run_resumed_on_a_text_edited_since_it_started_is_refused(tmp_path):
    # It resumed: the checkpoint's weights read the new text's ids as the old text's
    # characters (or failed to load them, blaming 'a tampered or damaged checkpoint').
    from seqlab.data.tokens import encode_corpus
    from seqlab.recipes.text_training import _match_run_settings

    text, folder = tmp_path / "play.txt", tmp_path / "lm.checkpoint"

    def resume_on(written: str, resume: bool = True) -> None:
        text.write_text(written)
        corpus = encode_corpus(text, tmp_path / "tokens")
        _match_run_settings(folder, small(), text, resume=resume, main=True, corpus=corpus)

    resume_on("to be or not to be\n" * 20, resume=False)
    resume_on("to be or not to be\n" * 20)
    with pytest.raises(ValidationError, match=r"'.*play.txt' has changed since \(380 "
                                              r"characters then, 400 now\): .* Put the text "
                                              r"back as it was, or start again without"):
        resume_on("to be or not to bee\n" * 20)
    with pytest.raises(ValidationError, match=r"has changed since \(without 'e'; new 'a'\)"):
        resume_on("to ba or not to ba\n" * 20)


def test_a_text_too_short_for_the_layout_is_a_clear_error(tmp_path):
    short = tmp_path / "short.txt"
    short.write_text("to be or not to be " * 20)  # 380 characters: 38 held out
    with pytest.raises(ValidationError, match=r"held-out part .* has 38 characters.*"
                                              r"at least batch_size x seq_len \+ 1 = 129.*"
                                              r"or hold more of it out \(--val-fraction "
                                              r"0.34\)\.$"):
        train_text(short, small(), echo=lambda line: None)
    # 0.34 leaves both parts long enough: 129 characters held out, 251 to train on.
    assert len(train_text(short, small(val_fraction=0.34), echo=lambda line: None).checks) == 4


def test_a_time_budget_cutting_the_last_epoch_short_is_named(play):
    # Regression: `--epochs 1 --minutes 1e-9` stopped after the first batch but said
    # "stopped after all 1 epoch(s)" and reported that all epochs ran.
    lines: list[str] = []
    run = train_text(play, small(epochs=1, minutes=1e-9, sample_length=0), echo=lines.append)
    assert run.stopped_by == "minutes"
    assert any(line.startswith("stopped 1 of ") and "batches into the last epoch (1 of 1)"
               in line and "time budget of 1e-09 min ran out" in line for line in lines)
    assert not any("stopped after all" in line for line in lines)


def test_a_time_budget_cutting_an_earlier_epoch_short_is_named(play):
    # Regression: `--epochs 3 --minutes 1e-9` stopped after the first batch but said
    # "stopped after 1 of 3 epoch(s)", as if the first epoch had run whole.
    lines: list[str] = []
    run = train_text(play, small(epochs=3, minutes=1e-9, sample_length=0), echo=lines.append)
    assert run.stopped_by == "minutes"
    assert any(line.startswith("stopped 1 of ") and "batches into epoch 1 of 3:" in line
               and "time budget of 1e-09 min ran out first" in line for line in lines)
    assert not any(line.startswith("stopped after") for line in lines)


def test_characters_that_show_as_nothing_are_named_before_training(tmp_path):
    # Regression: a text holding zero-width spaces and no-break spaces (pasted from the
    # web) trained a model that wrote them, its only word about them "N distinct".
    text = tmp_path / "web.txt"
    text.write_text(("to be\u200b or not\u00a0to be, that is the question.\n" * 40)
                    .replace("q", "\u00adq", 1))
    lines: list[str] = []
    train_text(text, small(epochs=1, steps=1, sample_length=0), echo=lines.append)
    assert ("note: the text holds 3 character(s) that show as nothing or as a plain space, "
            "which the model learns and writes like any other: U+00A0 NO-BREAK SPACE, "
            "U+00AD SOFT HYPHEN, U+200B ZERO WIDTH SPACE") in lines
    plain = tmp_path / "plain.txt"
    plain.write_text("to be or not\tto be, that is the question.\n" * 40)
    lines.clear()
    train_text(plain, small(epochs=1, steps=1, sample_length=0), echo=lines.append)
    assert not any(line.startswith("note:") for line in lines)


@pytest.mark.parametrize("stop", [{"steps": 3}, {"minutes": 1e-9}])
def test_an_epoch_cut_short_is_checked_at_the_fraction_it_reached(play, stop):
    # Regression: the held-out check after an epoch that --steps or the time budget cut
    # short was recorded and printed as that whole epoch ("epoch 1: ..." after 3 batches),
    # so run.checks and first_at_or_below said a loss was reached epochs before it was.
    lines: list[str] = []
    run = train_text(play, small(epochs=2, sample_length=0, **stop), echo=lines.append)
    (check,) = run.checks
    assert 0 < check.epoch < 0.1
    assert any(line.startswith(f"epoch {check.epoch:.2f}: loss ") for line in lines)
    assert not any(line.startswith("epoch 1:") for line in lines)
