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


def test_each_epoch_reports_held_out_loss_and_a_sample(play):
    lines: list[str] = []
    train_text(play, small(epochs=2), echo=lines.append)
    assert [at for at, _ in reported(lines)] == ["0.25", "0.50", "0.75", "1", "1.25", "1.50",
                                                 "1.75", "2"]
    assert all("perplexity" in line for line in lines if line.startswith("epoch "))
    assert sum("sample at T=0.5" in line for line in lines) == 2


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
    assert any(line.startswith(f"stopped after {len(trainer.history_)} of 500 epoch(s)")
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


def test_a_checkpoint_recorded_before_a_setting_existed_resumes_at_its_default(play, tmp_path):
    import json

    from seqlab.recipes.text_training import _RUN_FILE, _match_run_settings

    folder = tmp_path / "lm.checkpoint"
    _match_run_settings(folder, small(), play, resume=False, main=True)
    record = json.loads((folder / _RUN_FILE).read_text())
    del record["dropout_mask"]  # as a run started before the setting was added recorded it
    (folder / _RUN_FILE).write_text(json.dumps(record))
    _match_run_settings(folder, small(), play, resume=True, main=True)
    with pytest.raises(ValidationError, match=r"dropout_mask 'step' then, 'sequence' now"):
        _match_run_settings(folder, small(dropout_mask="sequence"), play, resume=True,
                            main=True)


def test_a_text_too_short_for_the_layout_is_a_clear_error(tmp_path):
    short = tmp_path / "short.txt"
    short.write_text("to be or not to be " * 20)  # 380 characters: 38 held out
    with pytest.raises(ValidationError, match=r"held-out part .* has 38 characters.*"
                                              r"at least batch_size x seq_len \+ 1 = 129"):
        train_text(short, small(), echo=lambda line: None)
