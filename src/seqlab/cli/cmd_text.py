"""`seqlab train-text` and `seqlab generate`: character language models from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from seqlab.errors import ValidationError
from seqlab.text_training import TextTrainingConfig, train_text

# train-text's option defaults are TextTrainingConfig's fields: one source for both.
_DEFAULTS = TextTrainingConfig()


def _train_text(
    file: Annotated[Path, typer.Argument(help="A UTF-8 text file.")],
    out: Annotated[Path, typer.Option(help="Where to write the bundle.")] = Path("text-model"),
    cell: Annotated[str, typer.Option(help="lstm, gru or rnn.")] = _DEFAULTS.cell,
    units: Annotated[int, typer.Option(help="Units per recurrent layer.")] = _DEFAULTS.units,
    layers: Annotated[int, typer.Option(help="Stacked recurrent layers.")] = _DEFAULTS.layers,
    embedding_dim: Annotated[int, typer.Option(help="Size of the character embedding.")]
    = _DEFAULTS.embedding_dim,
    seq_len: Annotated[int, typer.Option(help="Steps per training chunk (the state carries "
                                         "on past it).")] = _DEFAULTS.seq_len,
    batch_size: Annotated[int, typer.Option(help="Parallel streams per batch.")]
    = _DEFAULTS.batch_size,
    epochs: Annotated[int, typer.Option(help="Passes over the text.")] = _DEFAULTS.epochs,
    lr: Annotated[float, typer.Option(help="Peak learning rate (cosine decay after every "
                                      "batch).")] = _DEFAULTS.lr,
    dropout: Annotated[float, typer.Option(help="Dropout before the head.")]
    = _DEFAULTS.dropout,
    input_dropout: Annotated[float, typer.Option(help="Dropout on the embedded characters.")]
    = _DEFAULTS.input_dropout,
    weight_decay: Annotated[float, typer.Option(help="AdamW's decoupled weight decay (on "
                                                "the weight matrices).")]
    = _DEFAULTS.weight_decay,
    clip: Annotated[float, typer.Option(help="Gradient norm clipping.")] = _DEFAULTS.clip,
    minutes: Annotated[float | None, typer.Option(help="Time budget: the schedule ends and "
                                                  "training stops by then.")] = None,
    val_fraction: Annotated[float, typer.Option(help="Fraction held out at the end of the "
                                                "text.")] = _DEFAULTS.val_fraction,
    lower: Annotated[bool, typer.Option(help="Lower-case the text first.")] = _DEFAULTS.lower,
    temperature: Annotated[float, typer.Option(help="Temperature of the samples printed "
                                               "after each epoch.")] = _DEFAULTS.temperature,
    sample_length: Annotated[int, typer.Option(help="Characters per sample (0: none).")]
    = _DEFAULTS.sample_length,
    seed: Annotated[int, typer.Option(help="Seed for weights, order and samples.")]
    = _DEFAULTS.seed,
    checks_per_epoch: Annotated[int, typer.Option(help="Held-out checks per epoch.")]
    = _DEFAULTS.checks_per_epoch,
) -> None:
    """Train a character-level language model on FILE; prints a sample after each epoch."""
    config = TextTrainingConfig(
        cell=cell, units=units, layers=layers, embedding_dim=embedding_dim, seq_len=seq_len,
        batch_size=batch_size, epochs=epochs, lr=lr, dropout=dropout,
        input_dropout=input_dropout, weight_decay=weight_decay, clip=clip,
        minutes=minutes, val_fraction=val_fraction, lower=lower, temperature=temperature,
        sample_length=sample_length, seed=seed, checks_per_epoch=checks_per_epoch)
    train_text(file, config, out=out, echo=lambda line: typer.echo(line))


def _generate(
    bundle: Annotated[Path, typer.Argument(help="A bundle written by train-text.")],
    prime: Annotated[str, typer.Option(help="Text to start from.")] = "the ",
    length: Annotated[int, typer.Option(help="Characters to generate.")] = 400,
    temperature: Annotated[float, typer.Option(help="0 is greedy; below 1 is safer, above "
                                               "1 more surprising.")] = 0.5,
    top_k: Annotated[int | None, typer.Option(help="Sample among the k likeliest.")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for repeatable output.")] = None,
) -> None:
    """Continue PRIME with text sampled from a character model bundle."""
    from seqlab.bundle import load
    from seqlab.data.pipeline import EncodeStep
    from seqlab.generate.sampling import generate_text

    loaded = load(bundle)
    encoders = [s for s in loaded.pipeline.steps if isinstance(s, EncodeStep)]
    if not encoders:
        raise ValidationError(f"Bundle {str(bundle)!r} has no vocabulary: it is not a text model.")
    text = generate_text(loaded.model, encoders[0].vocabulary_, prime, length,
                         temperature=temperature, top_k=top_k, seed=seed)
    typer.echo(prime + text)


def register(app: typer.Typer) -> None:
    """Add train-text and generate to the `seqlab` command."""
    app.command("train-text")(_train_text)
    app.command("generate")(_generate)
