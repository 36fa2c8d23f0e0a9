"""Shared by the catalogue of bad inputs: small trained bundles, and the command line run
in-process the way the `seqlab` console script runs it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hardening_support import CliResult, sine

from seqlab.bundle import save
from seqlab.cli.app import run_cli
from seqlab.lifecycle import ForecastConfig, train_forecaster
from seqlab.recipes.text_training import TextTrainingConfig, train_text

TEXT = "the quick brown fox jumps over the lazy dog. " * 40


@pytest.fixture
def cli(capsys):
    """``cli("predict", ...)`` runs the command as its console script does and returns its
    exit status and output; every call also checks that no traceback reached the user."""

    def invoke(*args: object) -> CliResult:
        capsys.readouterr()
        code = run_cli([str(a) for a in args])
        captured = capsys.readouterr()
        result = CliResult(code, captured.out, captured.err)
        assert "Traceback" not in result.err + result.out, result.err
        return result

    return invoke


@pytest.fixture(scope="session")
def series_bundle(tmp_path_factory) -> Path:
    """A trained one-column forecaster bundle (n_in 4, n_out 1) with its pipeline."""
    trainer, pipeline = train_forecaster(sine(), ForecastConfig(n_in=4, epochs=2, units=4),
                                         columns=["sales"])
    path = tmp_path_factory.mktemp("bundles") / "series"
    save(trainer, path, pipeline=pipeline, optimizer=trainer)
    return path


@pytest.fixture(scope="session")
def text_bundle(tmp_path_factory) -> Path:
    """A trained character-model bundle."""
    folder = tmp_path_factory.mktemp("text")
    corpus = folder / "corpus.txt"
    corpus.write_text(TEXT)
    config = TextTrainingConfig(units=8, embedding_dim=4, seq_len=8, batch_size=4, epochs=1,
                                sample_length=0, checks_per_epoch=1)
    train_text(corpus, config, out=folder / "lm", echo=lambda line: None)
    return folder / "lm"


@pytest.fixture
def copy_of(tmp_path):
    """``copy_of(bundle)`` -> a private copy to tamper with, and its live version folder."""

    def copy(bundle: Path) -> tuple[Path, Path]:
        target = tmp_path / bundle.name
        shutil.copytree(bundle, target)
        from seqlab.bundle.store import resolve

        return target, resolve(target)

    return copy
