"""`seqlab train-text` and `seqlab generate`: character language models from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from seqlab.errors import ValidationError


def _train_text(
    file: Annotated[Path, typer.Argument(help="A UTF-8 text file.")],
    out: Annotated[Path, typer.Option(help="Where to write the bundle.")] = Path("text-model"),
    cell: Annotated[str, typer.Option(help="lstm, gru or rnn.")] = "lstm",
    units: Annotated[int, typer.Option(help="Units per recurrent layer.")] = 512,
    layers: Annotated[int, typer.Option(help="Stacked recurrent layers.")] = 1,
    seq_len: Annotated[int, typer.Option(help="Steps per training chunk.")] = 100,
    batch_size: Annotated[int, typer.Option(help="Parallel streams per batch.")] = 64,
    epochs: Annotated[int, typer.Option(help="Passes over the text.")] = 20,
    lr: Annotated[float, typer.Option(help="Peak learning rate (cosine decay).")] = 2e-3,
    dropout: Annotated[float, typer.Option(help="Dropout before the head.")] = 0.3,
    minutes: Annotated[float | None, typer.Option(help="Stop after the epoch that passes "
                                                  "this many minutes.")] = None,
    lower: Annotated[bool, typer.Option(help="Lower-case the text first.")] = False,
    seed: Annotated[int, typer.Option(help="Seed for weights, order and samples.")] = 0,
) -> None:
    """Train a character-level language model on FILE; prints a sample after each epoch."""
    from seqlab.text_training import TextTrainingConfig, train_text

    config = TextTrainingConfig(cell=cell, units=units, layers=layers, seq_len=seq_len,
                                batch_size=batch_size, epochs=epochs, lr=lr, dropout=dropout,
                                minutes=minutes, lower=lower, seed=seed)
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
