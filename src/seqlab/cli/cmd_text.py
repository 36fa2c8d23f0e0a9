"""`seqlab train-text` and `seqlab generate`: character language models from the shell."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Any

import typer

from seqlab._settings import declared
from seqlab.cli._options import DEVICE_OPTION, JSON_OPTION, on_device
from seqlab.cli._results import report_text_training
from seqlab.cli._resume import resume_hint
from seqlab.cli._tracking import tracked
from seqlab.cli.output import Output, add_command, shown_text
from seqlab.errors import ValidationError
from seqlab.recipes.text_training import TextTrainingConfig, train_text

_TYPES = {"int": int, "float": float, "bool": bool, "choice": str}


def _options_of(config_class: type) -> list[inspect.Parameter]:
    """One command-line option per declared field of `config_class`: its default, its type
    and its help come from the declaration, so the options never drift from the config."""
    parameters = []
    for field, constraint in declared(config_class):
        kind = _TYPES[constraint.kind]
        annotation = Annotated[kind | None if constraint.optional else kind,
                               typer.Option(help=field.metadata["help"],
                                            show_default=field.default is not None or "none")]
        parameters.append(inspect.Parameter(field.name, inspect.Parameter.KEYWORD_ONLY,
                                            default=field.default, annotation=annotation))
    return parameters


def _train_text(file: Path, out: Path = Path("text-model"), resume: bool = False,
                as_json: bool = False, **settings: Any) -> None:
    """Train a character-level language model on FILE; prints a sample after each epoch.

    Training stops when --epochs, --steps or --minutes runs out, whichever comes first.
    The text is encoded once into a memory-mapped token file (in seqlab's cache), so texts
    larger than memory train. Ctrl-C or SIGTERM writes a checkpoint (the run's own folder
    under OUT.checkpoint) and exits with 130 or 143; the same command with --resume
    continues exactly (of several interrupted runs, the one checkpointed last). Under
    `torchrun --nproc_per_node N -m seqlab train-text …` the streams are divided among
    N processes.
    """
    with resume_hint("train-text"):
        run = train_text(file, TextTrainingConfig(**settings), out=out, resume=resume,
                         echo=Output(as_json).note)
    if run.trainer.world.main:
        report_text_training(run, out, as_json)


_train_text.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
    inspect.Parameter("file", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                      annotation=Annotated[Path, typer.Argument(help="A UTF-8 text file.")]),
    inspect.Parameter("out", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=Path("text-model"),
                      annotation=Annotated[Path, typer.Option(help="Where to write the bundle.")]),
    inspect.Parameter("resume", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=False,
                      annotation=Annotated[bool, typer.Option(
                          help="Continue the interrupted run whose checkpoint is under "
                               "OUT.checkpoint (same command, same settings; of several, "
                               "the one written last).")]),
    inspect.Parameter("as_json", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=False,
                      annotation=JSON_OPTION),
    *_options_of(TextTrainingConfig),
], return_annotation=None)


DEFAULT_PRIME = "the "
"""What `generate` starts from without --prime, where the model knows its characters."""


def start_of(vocabulary: Any) -> tuple[str, str | None]:
    """Where `generate` starts without --prime for a model that never saw every character
    of `DEFAULT_PRIME`: after a line break, so at the start of a line as in its training
    text, else after a space, at the start of a word; the prime is then context, left out
    of the output, and the second item says where the text starts. A model of neither
    starts from its vocabulary's first character, shown (the second item None)."""
    for prime, where in (("\n", "at the start of a line"), (" ", "at the start of a word")):
        if prime in vocabulary:
            return prime, where
    return str(next(iter(vocabulary))), None


def _check_decoded(prime: str) -> None:
    """Refuse a --prime whose bytes were not UTF-8 (a terminal or script in another
    encoding): Python keeps each such byte as a lone surrogate, no character of a text."""
    at = next((i for i, char in enumerate(prime) if "\udc80" <= char <= "\udcff"), None)
    if at is not None:
        raise ValidationError(
            f"--prime is not valid UTF-8 (byte {ord(prime[at]) - 0xDC00:#04x} at character "
            f"{at}): the terminal or script that passed it uses another encoding. Pass the "
            f"prime in UTF-8.")


def _check_not_interrupted(bundle: Path) -> None:
    """Refuse, saying how to finish it, the bundle path of a train-text run that was
    interrupted before it wrote the bundle, or that run's checkpoint folder."""
    from seqlab.bundle.store import MANIFEST, POINTER
    from seqlab.train.checkpoint import checkpoint_folder

    folder = next((path for path in (bundle, bundle.parent)
                   if path.name.endswith(".checkpoint") and path.is_dir()), None)
    if folder is not None and bundle.is_dir() and not any(
            (bundle / name).exists() for name in (POINTER, MANIFEST)):
        raise ValidationError(
            f"{bundle} is the checkpoint of an interrupted training run, not a bundle: finish "
            f"the run (its command again, with --resume) and generate from the bundle it "
            f"writes, {folder.with_name(folder.name.removesuffix('.checkpoint'))}.")
    waiting = checkpoint_folder(bundle)
    if not bundle.exists() and waiting.is_dir() and any(waiting.iterdir()):
        raise ValidationError(
            f"No bundle at {bundle} yet: its training was interrupted, and {waiting} holds "
            f"the checkpoint to continue from. Finish the run (the train-text command that "
            f"started it, with --resume) to write the bundle.")


def _generate(
    bundle: Annotated[Path, typer.Argument(help="A bundle written by train-text.")],
    prime: Annotated[str | None, typer.Option(
        help="Text to start from.", show_default=f"{DEFAULT_PRIME!r}; where the model never "
        "saw those, the start of a line (or of a word), not shown")] = None,
    length: Annotated[int, typer.Option(help="Characters to generate.")] = 400,
    temperature: Annotated[float, typer.Option(help="0 is greedy; below 1 is safer, above "
                                               "1 more surprising.")] = 0.5,
    top_k: Annotated[int | None, typer.Option(help="Sample among the k likeliest.",
                                              show_default="all")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for repeatable output.",
                                             show_default="random")] = None,
    device: DEVICE_OPTION = "auto",
) -> None:
    """Continue PRIME with text sampled from a character model bundle (PRIME lower-cased
    where the model was trained with --lower), printed as it is drawn (control characters
    other than line breaks and tabs shown escaped, ESC as \\x1b)."""
    from seqlab.bundle import load
    from seqlab.data.pipeline import EncodeStep
    from seqlab.generate.sampling import check_sampling, generate_text

    check_sampling(length, temperature, top_k, seed)  # before any warning about the prime
    if prime == "":
        raise ValidationError(f"--prime is empty; give at least one character to start from, "
                              f"or leave --prime out (then {DEFAULT_PRIME!r}).")
    if prime is not None:
        _check_decoded(prime)
    _check_not_interrupted(bundle)
    loaded = load(bundle)
    on_device(loaded.model, device)
    encoders = [s for s in loaded.pipeline.steps if isinstance(s, EncodeStep)]
    if not encoders:
        raise ValidationError(f"Bundle {str(bundle)!r} has no vocabulary: it is not a text model.")
    vocabulary = encoders[0].vocabulary_
    shown = Output()
    if prime is not None and loaded.metadata.get("lower") is True and prime != prime.lower():
        prime = prime.lower()  # as train-text --lower read its text (seqlab.data.text)
        shown.warn(f"started from {prime!r}: the model was trained on lower-cased text "
                   "(train-text --lower), so the prime is lower-cased too")
    shown_prime = prime
    if prime is None:
        prime = shown_prime = DEFAULT_PRIME
        if vocabulary.unknown is None and not all(char in vocabulary for char in prime):
            # a model of another script, or of digits
            prime, where = start_of(vocabulary)
            shown_prime = "" if where else prime
            shown.warn(f"started {where or f'from {prime!r}'}: the model never saw every "
                       f"character of the default prime {DEFAULT_PRIME!r} (--prime sets one)")
    # The text is shown as it is drawn (the prime with the first character: a prime the
    # model refuses is an error before anything is printed)
    started = False

    def show(piece: str) -> None:
        nonlocal started
        if not started:
            shown.result(shown_text(shown_prime), end="")
            started = True
        shown.result(shown_text(piece), end="")

    generate_text(loaded.model, vocabulary, prime, length, temperature=temperature,
                  top_k=top_k, seed=seed, stream=show)
    if not started:
        shown.result(shown_text(shown_prime), end="")
    shown.result("")


def register(app: typer.Typer) -> None:
    """Add train-text and generate to the `seqlab` command."""
    add_command(app, "train-text", tracked("train-text")(_train_text))
    add_command(app, "generate", _generate)
