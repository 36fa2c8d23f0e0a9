"""Training a character language model on any text file: seqlab's default recipe for it.

Beyond the documents: the corpus is read as 32 contiguous streams in 32-step chunks
with a target at every step (stateful many-to-many: every character is a target once
per epoch and the state carries context past the chunk), embedded input, LSTM(512),
dropout 0.1 on its input and 0.3 before the head (one mask per stream and chunk), AdamW
at 8e-3 with weight decay 0.1 on the matrices, the learning rate decayed after every
batch along a cosine (over the epochs, or over the whole epochs that fit in `minutes`
when that runs out first), gradient clipping at norm 1, roll-back on divergence, a
moving average of the weights (decay 0.998, warmed up over its first steps) as what the
held-out checks (one an epoch) evaluate, the samples come from and the run keeps, and
the best held-out check's weights kept. These are the best settings we measured on
tiny-shakespeare (see the README).
"""

from __future__ import annotations

import json
import math
import shutil
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from seqlab._io import atomic_write, cache_dir, read_json_file
from seqlab._settings import Bool, Choice, Float, Int, check_fields, setting
from seqlab._validation import MAX_SEED, check_path
from seqlab.data.pipeline import EncodeStep, Pipeline
from seqlab.data.text import code_point, stream_chunks
from seqlab.data.tokens import TokenFile, cached_token_file
from seqlab.errors import ValidationError
from seqlab.generate.sampling import generate_text
from seqlab.models import ModelSpec, build
from seqlab.models.spec import CELLS, DROPOUT_MASKS
from seqlab.train import AverageWeights, Callback, CosineDecay, Trainer
from seqlab.train.callbacks import KeepBest
from seqlab.train.checkpoint import changed_settings, checkpoint_folder
from seqlab.train.distributed import world as join_world
from seqlab.train.precision import DEVICES, PRECISIONS, resolve_device
from seqlab.train.run_checkpoints import claim_run_checkpoint

__all__ = ["HeldOutCheck", "TextTrainingConfig", "TextTrainingRun", "train_text",
           "text_pipeline"]


@dataclass
class TextTrainingConfig:
    """Settings of `train_text`; every field is the `seqlab train-text` option of its name
    (the options, their help and their checks come from the declarations below)."""

    cell: str = setting("lstm", Choice(CELLS), "lstm, gru or rnn.")
    units: int = setting(512, Int(1), "Units per recurrent layer.")
    layers: int = setting(1, Int(1), "Stacked recurrent layers.")
    embedding_dim: int = setting(64, Int(1), "Size of the character embedding.")
    seq_len: int = setting(32, Int(1), "Steps per training chunk (the state carries on "
                                       "past it).")
    batch_size: int = setting(32, Int(1), "Parallel streams per batch.")
    epochs: int = setting(10, Int(1), "Passes over the text.")
    lr: float = setting(8e-3, Float(0.0, low_open=True),
                        "Peak learning rate (cosine decay after every batch).")
    dropout: float = setting(0.3, Float(0.0, 0.9), "Dropout before the head.")
    input_dropout: float = setting(0.1, Float(0.0, 0.9), "Dropout on the embedded characters.")
    dropout_mask: str = setting("sequence", Choice(DROPOUT_MASKS), "step (a fresh dropout mask "
                                "every step) or sequence (one mask per stream and chunk, "
                                "shared by its steps: faster on a CPU).")
    weight_decay: float = setting(0.1, Float(0.0), "AdamW's decoupled weight decay (on the "
                                                  "weight matrices).")
    clip: float = setting(1.0, Float(0.0, low_open=True), "Gradient norm clipping.")
    ema: float = setting(0.998, Float(0.0, 1.0, high_open=True),
                         "Decay of a moving average of the weights that the checks, the "
                         "samples and the bundle use (Keras' ema_momentum; 0: none).")
    ema_warmup: bool = setting(True, Bool(), "Grow the average's decay over its first steps "
                               "as min(ema, (1 + t) / (10 + t)) after t steps, so the "
                               "untrained weights leave it at once.")
    lower: bool = setting(False, Bool(), "Lower-case the text first.")
    val_fraction: float = setting(0.1, Float(0.0, 0.5, low_open=True),
                                  "Fraction held out at the end of the text.")
    minutes: float | None = setting(None, Float(0.0, low_open=True, optional=True),
                                    "Time budget: training stops when it or the epochs run "
                                    "out, whichever comes first (the last line says which).")
    seed: int = setting(0, Int(0, MAX_SEED), "Seed for weights, order and samples.")
    sample_length: int = setting(200, Int(0), "Characters per sample (0: none).")
    temperature: float = setting(0.5, Float(0.0), "Temperature of the samples printed after "
                                                  "each epoch.")
    checks_per_epoch: int = setting(1, Int(1), "Held-out checks per epoch.")
    steps: int | None = setting(None, Int(1, optional=True), "Stop after this many batches in "
                                "all (the schedule ends there).")
    checkpoint_every: int = setting(500, Int(0), "Batches between checkpoints (0: only at "
                                    "epoch ends and when interrupted).")
    device: str = setting("auto", Choice(DEVICES), "auto (a GPU when present), cpu, cuda or mps.")
    precision: str = setting("auto", Choice(PRECISIONS), "auto (bf16 where the CPU or GPU "
                             "computes it natively, else 32), 32, bf16 (bfloat16 autocast) or "
                             "16 (CUDA only).")

    def validate(self) -> TextTrainingConfig:
        """Check every field, naming the first bad one."""
        check_fields(self, "train-text")
        return self


@dataclass(frozen=True)
class HeldOutCheck:
    """One held-out evaluation during `train_text`: where (in epochs), when, and the loss."""

    epoch: float
    minutes: float
    loss: float


@dataclass
class TextTrainingRun:
    """What `train_text` returns: the trainer (holding the best held-out weights), the
    corpus, every held-out check in order and the sample generated after each epoch
    (without its prime)."""

    trainer: Trainer
    corpus: TokenFile
    checks: list[HeldOutCheck]
    samples: list[str]
    #: What ended training: "epochs" (all of them ran) or "minutes" (the time budget).
    stopped_by: str = "epochs"

    @property
    def best(self) -> HeldOutCheck:
        """The check with the lowest held-out loss (its weights are the ones kept)."""
        return min(self.checks, key=lambda check: check.loss)

    def first_at_or_below(self, loss: float) -> HeldOutCheck | None:
        """The earliest check whose held-out loss is at most `loss`, or None."""
        return next((check for check in self.checks if check.loss <= loss), None)


def text_pipeline(corpus: TokenFile) -> Pipeline:
    """The preprocessing a text bundle keeps: its vocabulary, as a fitted encode step."""
    step = EncodeStep()
    step.vocabulary_ = corpus.vocab
    return Pipeline([step])


class _Progress(Callback):
    """Held-out loss `checks_per_epoch` times an epoch and a short sample after each, as
    the documents print; keeps the weights with the lowest held-out loss seen and restores
    them at the end (a language model on a small corpus starts to overfit before its
    schedule ends)."""

    def __init__(self, corpus: TokenFile, config: TextTrainingConfig, validation,
                 steps_per_epoch: int, echo, started: float, stop_after: Callback | None = None):
        self.corpus, self.config, self.validation = corpus, config, validation
        self.echo, self.started, self.stop_after = echo, started, stop_after
        self.check_every = max(1, steps_per_epoch // config.checks_per_epoch)
        self.steps_per_epoch = steps_per_epoch
        self.best = KeepBest()
        self.epoch, self.last_at = 0, ""
        # Batches done in the current epoch: fewer than steps_per_epoch at its end when the
        # time budget cut it short.
        self.batches_done = steps_per_epoch
        self.stopped_by = "epochs"
        self.checks: list[HeldOutCheck] = []
        self.samples: list[str] = []

    def on_epoch_begin(self, epoch: int) -> None:
        self.epoch, self.batches_done = epoch, self.steps_per_epoch

    def on_batch_end(self, batch: int, logs: dict[str, Any]) -> None:
        done = self.batches_done = batch + 1
        if done % self.check_every == 0 and done < self.steps_per_epoch:
            loss = self.trainer.evaluate(*self.validation, batch_size=self.config.batch_size)
            epoch = self.epoch + done / self.steps_per_epoch
            self._check(f"{epoch:.2f}", epoch, loss["loss"])

    def state_dict(self) -> dict[str, Any]:
        """The checks and samples so far and the best weights (for a checkpoint)."""
        return {"checks": [[c.epoch, c.minutes, c.loss] for c in self.checks],
                "samples": list(self.samples), "last_at": self.last_at,
                "best": self.best.state_dict(),
                "elapsed": time.perf_counter() - self.started}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take back what `state_dict` returned (minutes count the time used before)."""
        self.checks = [HeldOutCheck(*check) for check in state["checks"]]
        self.samples, self.last_at = list(state["samples"]), state["last_at"]
        self.best.load_state_dict(state["best"])
        self.started = time.perf_counter() - state["elapsed"]

    def _check(self, at: str, epoch: float, val_loss: float,
               train_loss: float | None = None) -> None:
        minutes = (time.perf_counter() - self.started) / 60
        self.checks.append(HeldOutCheck(epoch, minutes, val_loss))
        trained = "" if train_loss is None else f"loss {train_loss:.4f}, "
        self.echo(f"epoch {at}: {trained}held-out loss {val_loss:.4f} (perplexity "
                  f"{math.exp(val_loss):.2f}), {minutes:.1f} min, learning rate "
                  f"{self.trainer.lr:.2g}")
        self.last_at = at
        self.best.offer(val_loss, at, self.trainer)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        if self.batches_done < self.steps_per_epoch:  # the time budget or --steps cut it short
            reached = epoch + self.batches_done / self.steps_per_epoch
            self._check(f"{reached:.2f}", reached, logs["val_loss"], logs["loss"])
        else:
            self._check(str(epoch + 1), epoch + 1, logs["val_loss"], logs["loss"])
        if self.config.sample_length:
            prime = self.corpus.decode(0, 40)
            with self.trainer.evaluation_weights():
                text = generate_text(self.trainer.model, self.corpus.vocab, prime,
                                     self.config.sample_length,
                                     temperature=self.config.temperature, seed=self.config.seed)
            self.samples.append(text)
            self.echo(f"  sample at T={self.config.temperature}: {prime + text!r}")
        if self.stop_after is not None and self.stop_after.fired:
            self.stopped_by = "steps"
            self.echo(f"stopped after {self.config.steps} batches (--steps), in epoch "
                      f"{epoch + 1} of {self.config.epochs}")
        elif self.config.minutes is not None and (self.trainer.stop_training or
                                                  epoch + 1 == self.config.epochs):
            # Whichever of the epochs and the time budget runs out first ends training.
            minutes = (time.perf_counter() - self.started) / 60
            if self.batches_done < self.steps_per_epoch:  # the budget cut this epoch short
                self.stopped_by = "minutes"
                which = (f"the last epoch ({epoch + 1} of {self.config.epochs})"
                         if epoch + 1 == self.config.epochs else
                         f"epoch {epoch + 1} of {self.config.epochs}")
                self.echo(f"stopped {self.batches_done} of {self.steps_per_epoch} batches into "
                          f"{which}: the time budget of {self.config.minutes:g} min ran out "
                          f"first ({minutes:.1f} min used)")
            elif epoch + 1 < self.config.epochs:
                self.stopped_by = "minutes"
                why = (f"another whole epoch would not fit in the time budget of "
                       f"{self.config.minutes:g} min ({minutes:.1f} min used)"
                       if minutes < self.config.minutes else
                       f"the time budget of {self.config.minutes:g} min ran out first")
                self.echo(f"stopped after {epoch + 1} of {self.config.epochs} epoch(s): {why}")
            else:
                self.echo(f"stopped after all {self.config.epochs} epoch(s), {minutes:.1f} "
                          f"min into the time budget of {self.config.minutes:g} min")

    def on_train_end(self, logs: dict[str, Any]) -> None:
        if self.best.at != self.last_at and self.best.restore(self.trainer):
            self.echo(f"kept the weights of epoch {self.best.at} (held-out loss "
                      f"{self.best.value:.4f}), the best held out")


def _encoding_progress(echo: Callable[[str], None]) -> Callable[[int, int], None]:
    """Reports the two passes of encoding a large text, a line per tenth."""
    shown = [-1]

    def report(done: int, total: int) -> None:
        tenth = 10 * done // max(total, 1)
        if tenth > shown[0] and total > ENCODE_QUIETLY_BELOW:
            shown[0] = tenth
            echo(f"encoding the text into a token file: {10 * tenth}% of "
                 f"{total // 2 / 1e6:,.0f} MB, two passes")
    return report


ENCODE_QUIETLY_BELOW = 2 * 50_000_000
"""Texts under 50 MB (two passes of reading) are encoded without progress lines."""


def train_text(
    path: str | Path, config: TextTrainingConfig | None = None, *,
    out: str | Path | None = None, echo: Callable[[str], None] = print,
    checkpoint: str | Path | None = None, resume: bool = False,
) -> TextTrainingRun:
    """Train a character model on the UTF-8 file at `path`; save a bundle to `out`.

    The text is first encoded, streaming, into a memory-mapped token file in seqlab's
    cache (reused while the file is unchanged), and training reads its batches from
    there: a text larger than memory trains in little memory.

    Progress lines go to `echo`. The returned run's trainer holds the weights of the
    check with the lowest held-out loss; its checks and samples are what was printed.

    `checkpoint` (default: this run's own folder under ``OUT.checkpoint`` beside the
    bundle, see `seqlab.train.run_checkpoints`) receives everything needed to continue at
    each epoch's end, every `checkpoint_every` batches and on SIGINT/SIGTERM (then
    `TrainingInterrupted` is raised); ``resume=True`` continues from it (by default the
    checkpoint under ``OUT.checkpoint`` written last that no running process holds), and
    the finished run removes it. Under torchrun the streams are divided among
    the processes and only rank 0 prints and writes.
    """
    if config is not None and not isinstance(config, TextTrainingConfig):
        raise ValidationError(f"The 'config' parameter of train_text must be a "
                              f"TextTrainingConfig (TextTrainingConfig(units=16), say); got "
                              f"{type(config).__name__}.")
    config = (config or TextTrainingConfig()).validate()
    path = check_path("path", path, "train_text")
    if out is not None:
        out = check_path("out", out, "train_text")
    world = join_world(resolve_device(config.device))
    say = echo if world.main else (lambda line: None)
    if resume and checkpoint is None and out is None:
        raise ValidationError("train_text(resume=True) needs the checkpoint folder: pass `out` "
                              "or `checkpoint`.")
    if out is not None and world.main:
        from seqlab.bundle import check_replaces_alike, check_target

        check_target(out)
        check_replaces_alike(out, text=True)
    started = time.perf_counter()
    if world.main:
        corpus = cached_token_file(path, cache_dir() / "tokens", lower=config.lower,
                                   progress=_encoding_progress(say))
    world.barrier()  # the others open the file rank 0 encoded
    if not world.main:
        corpus = cached_token_file(path, cache_dir() / "tokens", lower=config.lower)
    if all(isinstance(s, str) and not s.strip() for s in corpus.vocab.symbols):
        raise ValidationError(f"{str(path)!r} holds only whitespace (spaces, tabs, line "
                              f"breaks): a character model would learn nothing from it. "
                              f"Give a file of text.")
    if len(corpus.vocab) == 1:  # 'aaaa…': it trained to loss 0, with nothing to predict
        lowered = " (once lower-cased, as --lower asks)" if config.lower else ""
        raise ValidationError(f"{str(path)!r} holds one distinct character{lowered}, "
                              f"{str(corpus.vocab.symbols[0])!r}, repeated: a character model "
                              f"would learn nothing from it. Give a file of text.")
    train, val = corpus.split(config.val_fraction)
    streams = config.batch_size

    needed = streams * config.seq_len + 1
    for part, ids in (("training", train), ("held-out", val)):
        if len(ids) < needed:
            raise ValidationError(
                f"The {part} part of {str(path)!r} has {len(ids):,} characters; train-text "
                f"needs at least batch_size x seq_len + 1 = {needed:,} "
                f"(batch_size {streams}, seq_len {config.seq_len}, val_fraction "
                f"{config.val_fraction}). Use a longer text or smaller settings"
                f"{_holding_out_more(len(corpus), needed) if part == 'held-out' else ''}."
            )
    x, y = stream_chunks(train, config.seq_len, streams)
    validation = stream_chunks(val, config.seq_len, streams)
    from seqlab.bundle.store import live_version

    # What this run replaces: a bundle another run saves at `out` meanwhile is kept as the
    # previous version rather than lost (see seqlab.bundle.store).
    replaces = live_version(out) if out is not None and world.main else None
    spec = ModelSpec(len(corpus.vocab), len(corpus.vocab), task="multiclass", cell=config.cell,
                     units=[config.units] * config.layers, return_sequences=True,
                     frontend="embedding", embedding_dim=config.embedding_dim,
                     dropout=config.dropout, input_dropout=config.input_dropout,
                     dropout_mask=config.dropout_mask,
                     timesteps=config.seq_len)
    model = build(spec, seed=config.seed)
    trainer = Trainer(model, optimizer="adamw", lr=config.lr, weight_decay=config.weight_decay,
                      stateful=True, seed=config.seed,
                      clip_grad_norm=config.clip, on_divergence="rollback", spike_factor=1.5,
                      device=config.device, precision=config.precision)
    if world.parallel:
        say(f"data-parallel over {world.size} processes, {streams // world.size} streams "
            f"each ({streams} in all)")
    say(f"{len(corpus):,} characters, {len(corpus.vocab)} distinct; training on "
        f"{len(train):,}, holding out the last {len(val):,} (on {trainer.device.type}, "
        f"precision {trainer.precision.name})")
    hidden = [symbol for symbol in map(str, corpus.vocab.symbols) if _unseen_on_screen(symbol)]
    if hidden:
        more = f" and {len(hidden) - 5} more" if len(hidden) > 5 else ""
        say(f"note: the text holds {len(hidden)} character(s) that show as nothing or as a "
            f"plain space, which the model learns and writes like any other: "
            f"{', '.join(code_point(char) for char in hidden[:5])}{more}")
    run_folder = None
    if checkpoint is None and out is not None:  # this run's own, under OUT.checkpoint
        run_folder = claim_run_checkpoint(checkpoint_folder(out), resume=resume, world=world)
        checkpoint = run_folder.path
    try:
        if checkpoint is not None:
            _match_run_settings(Path(checkpoint), config, path, resume, world.main, corpus)

        steps_per_epoch = len(x) // streams
        if config.checks_per_epoch > steps_per_epoch:  # else quietly one check per batch
            say(f"note: {_option('checks_per_epoch', config.checks_per_epoch)} is more than the "
                f"{steps_per_epoch} batch(es) of an epoch: checking the held-out loss after "
                f"every batch instead ({steps_per_epoch} checks per epoch)")
        total_steps = steps_per_epoch * config.epochs
        if config.steps is not None:
            total_steps = min(total_steps, config.steps)
        stop_after = None if config.steps is None else _StopAfter(config.steps, steps_per_epoch)
        progress = _Progress(corpus, config, validation, steps_per_epoch, say, started,
                             stop_after)
        callbacks = [CosineDecay(total_steps=total_steps, minutes=config.minutes,
                                 epoch_steps=None if config.minutes is None else steps_per_epoch),
                     *([AverageWeights(config.ema, warmup=config.ema_warmup)] if config.ema
                       else []), progress]
        if stop_after is not None:
            callbacks.insert(0, stop_after)
        trainer.fit(x, y, epochs=config.epochs, batch_size=streams, validation_data=validation,
                    callbacks=callbacks, verbose=0, checkpoint=checkpoint,
                    checkpoint_every=config.checkpoint_every or None,
                    resume_from=checkpoint if resume else None)
        if out is not None and world.main:
            from seqlab.bundle.saving import TEXT_MODEL, save

            save(trainer, out, pipeline=text_pipeline(corpus), replaces=replaces,
                 keep_previous=True,
                 metadata={"kind": TEXT_MODEL, "source": Path(path).name,
                           **{k: v for k, v in asdict(config).items() if v is not None}})
            say(f"bundle written to {out}")
        if run_folder is not None:
            run_folder.finish()  # finished: nothing left to resume
        elif checkpoint is not None and world.main:
            shutil.rmtree(checkpoint, ignore_errors=True)
    finally:
        if run_folder is not None:
            run_folder.release()
    return TextTrainingRun(trainer, corpus, progress.checks, progress.samples,
                           progress.stopped_by)


def _unseen_on_screen(char: str) -> bool:
    """Whether `char` shows as nothing or as a plain space: a format character (zero-width
    space, soft hyphen, direction marks), a control other than a tab or line break, or a
    space other than ' ' (a no-break space)."""
    category = unicodedata.category(char)
    return (category == "Cf" or category == "Cc" and char not in "\t\n"
            or category[0] == "Z" and char != " ")


def _holding_out_more(length: int, needed: int) -> str:
    """The --val-fraction that would leave both parts of a text of `length` characters
    `needed` each, as advice (nothing where none would)."""
    fraction = math.ceil(100 * needed / length) / 100
    if fraction > 0.5 or length - round(length * fraction) < needed:
        return ""
    return f", or hold more of it out (--val-fraction {fraction:g})"


_RUN_FILE = "train-text.json"


_TEXT_READ = "text_read"
"""The key of the run file recording what the text held when the run started."""


def _match_run_settings(folder: Path, config: TextTrainingConfig, path: str | Path,
                        resume: bool, main: bool, corpus: TokenFile | None = None) -> None:
    """A resumed run must be the run that was started: same text, same settings (a new
    run records them, and what `corpus`, the text encoded, holds, beside its checkpoint)."""
    settings = {**asdict(config), "text": str(Path(path).resolve())}
    read = None if corpus is None else _what_the_text_holds(corpus)
    if not resume:
        if main:
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(folder / _RUN_FILE, json.dumps(
                settings if read is None else {**settings, _TEXT_READ: read}))
        return
    if not (folder / _RUN_FILE).is_file():
        raise ValidationError(
            f"There is no checkpoint at {folder}: nothing to resume (a finished run removes "
            f"its checkpoint). Run again without --resume.")
    saved = read_json_file(folder / _RUN_FILE, "train-text checkpoint settings")
    # A setting seqlab gained after the run started then had the value it was added with.
    defaults = {field.name: field.default for field in fields(TextTrainingConfig)}
    then, now = _relevant({**defaults, **_BEFORE_IT_EXISTED, **saved}, settings)
    changed = changed_settings(then, now)
    if changed:
        names = [line.split(" ", 1)[0] for line in changed]
        again = " ".join(_option(name, then.get(name)) for name in names if name != "text")
        hint = (f" (seqlab's defaults may have changed since it started: add {again})"
                if again else "")
        raise ValidationError(
            f"--resume continues the run as it was started, but these settings differ: "
            f"{'; '.join(changed)}. Repeat the original command with --resume{hint}.")
    if read is not None and saved.get(_TEXT_READ) not in (None, read):
        raise ValidationError(_text_changed(path, saved[_TEXT_READ], read))


def _what_the_text_holds(corpus: TokenFile) -> dict[str, Any]:
    """Its length and its characters: a checkpoint's model knows a character only by its
    place among them."""
    return {"characters": len(corpus), "symbols": "".join(map(str, corpus.vocab.symbols))}


def _text_changed(path: str | Path, then: dict[str, Any], now: dict[str, Any]) -> str:
    """The message refusing to resume a run on a text edited since it started."""
    gone = "".join(sorted(set(str(then.get("symbols", ""))) - set(now["symbols"])))
    new = "".join(sorted(set(now["symbols"]) - set(str(then.get("symbols", "")))))
    changes = [f"{then.get('characters', 0):,} characters then, {now['characters']:,} now"
               ] if then.get("characters") != now["characters"] else []
    changes += [f"{what} {chars!r:.60}" for what, chars in (("without", gone), ("new", new))
                if chars]
    return (f"--resume continues the run on the text it started with, but {str(path)!r} has "
            f"changed since ({'; '.join(changes)}): the checkpoint's model would read it "
            f"wrongly. Put the text back as it was, or start again without --resume.")


_BEFORE_IT_EXISTED = {"dropout_mask": "step", "ema": 0.0, "ema_warmup": False}
"""What a run recorded before a setting existed had instead of it (the recorded settings
of such a run leave it out). A setting whose default changes is listed here first."""


def _relevant(then: dict[str, Any], now: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    """Both runs' settings less those that change nothing: where either has no average,
    the average's warm-up (`ema` itself then differs, or neither has one)."""
    if then.get("ema") and now.get("ema"):
        return then, now
    return tuple({k: v for k, v in settings.items() if k != "ema_warmup"}
                 for settings in (then, now))


def _option(name: str, value: Any) -> str:
    """The `seqlab train-text` option that sets `name` to `value`."""
    flag = "--" + name.replace("_", "-")
    if value is None:
        return f"no {flag}"
    if isinstance(value, bool):
        return flag if value else f"--no-{flag[2:]}"
    return f"{flag} {value}"


class _StopAfter(Callback):
    """Stops training after `steps` batches in all."""

    def __init__(self, steps: int, steps_per_epoch: int):
        self.steps, self.steps_per_epoch = steps, steps_per_epoch
        self.fired = False

    def on_epoch_begin(self, epoch: int) -> None:
        self.epoch = epoch

    def on_batch_end(self, batch: int, logs: dict[str, Any]) -> None:
        if self.epoch * self.steps_per_epoch + batch + 1 >= self.steps:
            self.trainer.stop_training = self.fired = True
