"""Catalogue of bad command-line use: every one ends in one `error:` line (or the option
parser's own usage message) with exit status 2 for bad input and 1 for a failure of the
work, never a traceback; nothing is half-written."""

from __future__ import annotations

import errno
import io
import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from hardening_support import assert_one_line_error, sine, write_csv

from seqlab.bundle import load


@pytest.fixture
def series_csv(tmp_path) -> Path:
    return write_csv(tmp_path / "sales.csv", sine())


def _train(cli, csv, *options):
    return cli("train", csv, "--column", "sales", "--epochs", 1, *options)


TRAIN_CASES = {
    "units-too-many-parameters": (["--units", 100_000], r"too large: its spec describes "
                                                         r"40,\d{3},\d{3},\d{3} parameters"),
    # The option beside the library's parameter: the user typed --units, not units.
    "units-zero": (["--units", 0], r"'units' parameter of ForecastConfig \(--units\) must be "
                                   r"an int"),
    "n-in-zero-with-equals": (["--n-in=0"], r"'n_in' parameter of \w+ \(--n-in\)"),
    "n-in-zero": (["--n-in", 0], r"'n_in' parameter"),
    # It said "`series` has only 60 time steps", naming neither the file nor the options.
    "n-in-longer-than-series": (["--n-in", 500], r"sales\.csv holds 60 row\(s\); one training "
                                                 r"window needs --n-in \+ --n-out = 500 \+ 1"),
    "n-out-longer-than-series": (["--n-in", 50, "--n-out", 20],
                                 r"sales\.csv holds 60 row\(s\); .* = 50 \+ 20 = 70 "
                                 r"consecutive rows\. .*a smaller --n-in or --n-out"),
    "epochs-zero": (["--epochs", 0], r"'epochs' parameter"),
    "lr-nan": (["--lr", "nan"], r"'lr' parameter of ForecastConfig \(--lr\) must be a finite float"),
    "lr-negative": (["--lr", -1], r"'lr' parameter"),
    "seed-negative": (["--seed", -1], r"'seed' parameter"),
    "seed-beyond-generators": (["--seed", 10**20], r"'seed' parameter.*\[0, 9223372036854775807\]"),
    "scale-unknown": (["--scale", "log"], r"Unknown 'scale' of ForecastConfig 'log' "
                                          r"\(--scale\)\. Valid names"),
    "cell-unknown": (["--cell", "lstn"], r"Did you mean 'lstm'"),
    "out-under-proc": (["--out", "/proc/seqlab-model"], r"/proc"),
    "out-in-missing-read-only-place": (["--out", "/proc/x/y/model"], r"/proc"),
}


@pytest.mark.parametrize("options,message", TRAIN_CASES.values(), ids=TRAIN_CASES)
def test_bad_train_options(tmp_path, cli, series_csv, options, message):
    if "--out" not in options:
        options = [*options, "--out", tmp_path / "model"]
    assert_one_line_error(_train(cli, series_csv, *options), 2, message)
    assert not (tmp_path / "model").exists()


def test_an_option_is_named_beside_its_parameter_whatever_the_message_says(cli,
                                                                            series_csv):
    # "The 'level' parameter of Forecaster is a share ..." named no --level: the option
    # was added only to messages saying "must".
    result = cli("forecast", series_csv, "--horizon", 3, "--level", 80)
    assert_one_line_error(result, 2, r"The 'level' parameter of Forecaster \(--level\) is a "
                                     r"share of the truths.*for 80%, give 0\.8")


@pytest.mark.parametrize("option, value, names", [("--truncating", "mid", "post, pre"),
                                                  ("--model", "lsmt", "auto, bilstm"),
                                                  ("--tokens", "words", "char, word")])
def test_an_unknown_classify_choice_names_its_option(tmp_path, cli, option, value, names):
    # "Unknown 'truncating' of SequenceClassifier 'mid'" named the library's parameter only.
    labelled = tmp_path / "c.csv"
    labelled.write_text("label,t0,t1,t2\n" + "".join(f"{'ab'[k % 2]},{k},1,2\n"
                                                     for k in range(6)))
    assert_one_line_error(cli("classify", labelled, option, value), 2,
                          rf"Unknown '{option[2:]}' of SequenceClassifier '{value}' "
                          rf"\({option}\)\..* Valid names: {names}")


def test_train_out_onto_a_file_or_a_foreign_folder_is_refused_before_training(tmp_path, cli,
                                                                              series_csv):
    (tmp_path / "file").write_text("mine")
    assert_one_line_error(_train(cli, series_csv, "--out", tmp_path / "file"), 2, r"is a file")
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cat.jpg").write_text("meow")
    assert_one_line_error(_train(cli, series_csv, "--out", tmp_path / "photos"), 2,
                          r"a folder that is not a seqlab bundle")
    assert (tmp_path / "file").read_text() == "mine"


def test_train_config_problems(tmp_path, cli, series_csv):
    assert_one_line_error(cli("train", "--config", tmp_path / "none.toml"), 2, r"does not exist")
    (tmp_path / "bad.toml").write_text("n_in = = 3")
    assert_one_line_error(cli("train", "--config", tmp_path / "bad.toml"), 2, r"not valid TOML")
    (tmp_path / "unknown.toml").write_text(f'csv = "{series_csv}"\ncolumn = "sales"\nwindow = 3')
    # It named neither the file nor csv, column and out among the known settings.
    assert_one_line_error(cli("train", "--config", tmp_path / "unknown.toml"), 2,
                          r"unknown\.toml: unknown setting\(s\) \['window'\]; known settings "
                          r"are \['batch_size', 'cell', 'column', 'csv', .*'out', ")
    # A value the file holds in the wrong type is named with the file, as written there;
    # the same setting given as an option wins over the file's.
    (tmp_path / "typed.toml").write_text(f'csv = "{series_csv}"\ncolumn = "sales"\n'
                                         f'epochs = "2"\nunits = 4')
    assert_one_line_error(cli("train", "--config", tmp_path / "typed.toml"), 2,
                          r"typed\.toml: epochs = '2' is refused: The 'epochs' parameter of "
                          r"ForecastConfig must be an int in the range \[1, inf\)\. Got '2'")
    assert cli("train", "--config", tmp_path / "typed.toml", "--epochs", 1, "--out",
               tmp_path / "m").code == 0
    assert_one_line_error(cli("train"), 2, r"needs the data: seqlab train DATA")


def test_a_run_that_diverges_exits_1_and_keeps_the_good_bundle(tmp_path, cli, series_csv):
    good = tmp_path / "model"
    assert _train(cli, series_csv, "--out", good).code == 0
    before = load(good).folder
    result = _train(cli, series_csv, "--lr", 1e6, "--epochs", 5, "--out", good)
    assert_one_line_error(result, 1, r"training loss became .* after 3 roll-back")
    assert "warning:" in result.err  # each roll-back was reported
    assert load(good).folder == before


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


PREDICT_CASES = {
    "missing-bundle": (lambda t, b: ["predict", t / "nothing", t / "sales.csv"],
                       r"No bundle at .*nothing"),
    "output-in-missing-folder": (lambda t, b: ["predict", b, t / "sales.csv", "--out",
                                               t / "nodir" / "x.csv"],
                                 r"the folder .*nodir does not exist"),
    "output-is-a-folder": (lambda t, b: ["predict", b, t / "sales.csv", "--out", t],
                           r"is a folder; name a file"),
    # Regression: a file named nodir was written, the '/' dropped with the folder meant.
    "output-written-as-a-folder": (lambda t, b: ["predict", b, t / "sales.csv", "--out",
                                                 f"{t / 'nodir'}/"],
                                   r"--out .*nodir/ names a folder \(it ends in '/'\), but "
                                   r"predict writes one table file: name the file "
                                   r"\(.*nodir/predictions\.csv, say\)\.$"),
    "output-written-as-a-folder-with-equals": (lambda t, b: ["predict", b, t / "sales.csv",
                                                             f"--out={t / 'nodir'}/"],
                                               r"--out .*nodir/ names a folder"),
    # Regression: "MinMaxScaler was fitted on 1 feature(s) but `x` passed to transform has
    # 2", naming neither the file nor the bundle's column.
    "json-lists-wider-than-the-bundle": (
        lambda t, b: ["predict", b, _write(t / "lists.jsonl", "[5, 1]\n[6, 1]\n" * 3)],
        r"lists\.jsonl holds 2 value\(s\) a line \(value0, value1\); .* was trained on 1 "
        r"column\(s\) \['sales'\]: give one number a line\.$"),
    "missing-input": (lambda t, b: ["predict", b, t / "absent.csv"], r"does not exist"),
    "unknown-column": (lambda t, b: ["predict", b, t / "sales.csv", "--column", "price"],
                       r"no column\(s\) \['price'\]"),
    "output-onto-the-input": (lambda t, b: ["predict", b, t / "sales.csv", "--out",
                                            t / "sales.csv"], r"is the input file"),
    # It listed the file's columns only: whose was 'sales', and how to read another instead?
    "file-lacks-the-bundle-s-column": (lambda t, b: ["predict", b, write_csv(t / "p.csv", sine(),
                                                                             "price")],
                                       r"p\.csv has no column\(s\) \['sales'\], which the model "
                                       r"was trained on; its columns are \['t', 'price'\]\. Name "
                                       r"the column to read in its place with --column\.$"),
    "too-many-columns": (lambda t, b: ["predict", b, t / "sales.csv", "--column", "sales",
                                       "--column", "t"],
                         r"was trained on 1 column\(s\) \['sales'\]; --column names 2"),
    # It named an internal class: "WindowStep needs at least n_in=4 time steps".
    "fewer-rows-than-the-window": (lambda t, b: ["predict", b, write_csv(t / "short.csv",
                                                                         [1.0, 2.0, 3.0])],
                                   r"short\.csv holds 3 row\(s\); .* reads 4 to forecast "
                                   r"\(its --n-in\): give at least the latest 4\.$"),
    # It overwrote the bundle's CURRENT with the table, and the bundle no longer loaded.
    "output-inside-the-bundle": (lambda t, b: ["predict", b, t / "sales.csv", "--out",
                                               Path(b) / "CURRENT"],
                                 r"is inside .*, which this command reads; writing there would "
                                 r"damage it"),
}


@pytest.mark.parametrize("argv,message", PREDICT_CASES.values(), ids=PREDICT_CASES)
def test_bad_predict_use(tmp_path, cli, series_bundle, series_csv, argv, message):
    before = (Path(series_bundle) / "CURRENT").read_bytes()
    assert_one_line_error(cli(*argv(tmp_path, series_bundle)), 2, message)
    assert not (tmp_path / "nodir").exists()
    assert (Path(series_bundle) / "CURRENT").read_bytes() == before


def test_an_output_inside_another_bundle_is_refused_and_that_bundle_still_loads(
        tmp_path, cli, series_bundle, series_csv, copy_of):
    # predict --out OTHER/CURRENT replaced that bundle's pointer with the table: it no longer
    # loaded. Only a bundle the command reads was guarded.
    other, version = copy_of(series_bundle)
    before = {p.name: p.read_bytes() for p in (other / "CURRENT", version / "manifest.json")}
    for target in (other / "CURRENT", version / "manifest.json", version / "new.csv"):
        result = cli("predict", series_bundle, series_csv, "--last", "--out", target)
        assert_one_line_error(result, 2, rf"The output path .*{target.name} is inside the "
                                         rf"seqlab bundle .*{other.name}; writing there would "
                                         r"damage it\. Name a path outside it\.")
    assert {p.name: p.read_bytes() for p in (other / "CURRENT", version / "manifest.json")} \
        == before
    assert not (version / "new.csv").exists()
    assert load(other).pipeline.columns == ["sales"]
    # The bundle read itself, as a file to write, is called a folder, not "the input file".
    assert_one_line_error(cli("predict", series_bundle, series_csv, "--out", series_bundle), 2,
                          r"is the input folder")
    assert cli("predict", series_bundle, series_csv, "--last", "--out",
               tmp_path / "p.csv").code == 0


def test_two_outputs_of_one_command_on_one_path_are_refused_before_any_work(tmp_path, cli,
                                                                           series_csv):
    """Each was found by a probe: the forecasts lost after the bundle was written (and "Nothing
    was written"), a trained classifier or model lost to its own predictions, plot or
    TensorBoard folder, a bundle's CURRENT overwritten by update --dry-run's plot."""
    forecast_csv = write_csv(tmp_path / "f.csv", np.arange(24.0) + 10)
    labelled = tmp_path / "c.csv"
    labelled.write_text("label,t0,t1,t2,t3\n" + "".join(
        f"{'up' if k % 2 else 'down'},{k % 2},{k % 3},{k % 2},{k % 5}\n" for k in range(12)))
    same = tmp_path / "same"
    cases = [
        (["forecast", forecast_csv, "--horizon", 2, "--methods", "naive", "--out", same,
          "--forecasts", same], r"--out path .*same and the --forecasts path .*same name one "
                                r"place"),
        (["train", series_csv, "--column", "sales", "--epochs", 1, "--out", same,
          "--tensorboard", same], r"--out path .*same and the --tensorboard path .*same name "
                                  r"one place"),
        (["classify", labelled, "--test", labelled, "--model", "rocket", "--members", 1,
          "--predictions", same, "--plot", same], r"--predictions path .*same and the --plot "
                                                  r"path .*same name one place"),
        (["classify", labelled, "--test", labelled, "--model", "rocket", "--members", 1,
          "--out", same, "--predictions", same / "p.csv"], r"--out path .*same and the "
                                                           r"--predictions path .*p\.csv lie "
                                                           r"one inside the other"),
    ]
    for argv, message in cases:
        assert_one_line_error(cli(*argv), 2, message)
        assert not same.exists()
    model = tmp_path / "model"
    assert cli("train", series_csv, "--column", "sales", "--epochs", 1, "--out", model).code == 0
    before = (model / "CURRENT").read_bytes()
    assert_one_line_error(cli("update", model, series_csv, series_csv, "--dry-run", "--plot",
                              model / "CURRENT"), 2, r"plot path .*CURRENT is inside .*model, "
                                                     r"which this command reads")
    assert (model / "CURRENT").read_bytes() == before
    load(model)


GENERATE_CASES = {
    "seed-beyond-generators": (["--seed", 10**20], r"'seed' parameter of generate_text"),
    "length-negative": (["--length", -1], r"'length' parameter"),
    "temperature-negative": (["--temperature", -1], r"'temperature'"),
    "top-k-zero": (["--top-k", 0], r"'top_k'"),
    # Named with the characters the model knows, not with Vocabulary's API advice
    # ("give Vocabulary an unknown= symbol"), which no user of a trained model can follow.
    "prime-unknown-symbols": (["--prime", "the \u2603"],
                              r"The prime holds 1 character\(s\) the model was not trained on: "
                              r"'\u2603' at position 4\. Start from characters of its vocabulary "
                              r"of 28: ' \.abcdefghijklmnopqrstuvwxyz'\.$"),
    # A prime typed in a Latin-1 terminal: "the model was not trained on: '\udce9'".
    "prime-not-utf8": (["--prime", "caf\udce9"],
                       r"--prime is not valid UTF-8 \(byte 0xe9 at character 3\): the terminal "
                       r"or script that passed it uses another encoding\. Pass the prime in "
                       r"UTF-8\.$"),
}


@pytest.mark.parametrize("options,message", GENERATE_CASES.values(), ids=GENERATE_CASES)
def test_bad_generate_options(cli, text_bundle, options, message):
    assert_one_line_error(cli("generate", text_bundle, *options), 2, message)


def test_generate_at_a_vanishing_temperature_is_greedy_not_a_crash(cli, text_bundle):
    """--temperature 5e-324 (a positive float, so allowed) overflowed the scaled logits and
    torch.multinomial raised on NaN probabilities: exit 1, 'a bug in seqlab'."""
    greedy = cli("generate", text_bundle, "--temperature", 0, "--length", 30)
    assert greedy.code == 0
    for tiny in ("5e-324", "1e-310"):
        result = cli("generate", text_bundle, "--temperature", tiny, "--length", 30, "--seed", 1)
        assert (result.code, result.out) == (0, greedy.out), result.err


def _ascii_stdout(monkeypatch) -> io.BytesIO:
    """Standard output in an encoding of few characters (a Windows code page, say, where
    the output goes to a file or a pipe); returns what reaches it."""
    written = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(written, encoding="ascii"))
    return written


def test_generate_to_an_output_that_cannot_hold_its_characters_names_them(
        cli, tmp_path, monkeypatch):
    # 'unexpected UnicodeEncodeError ... This is a bug in seqlab'.
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("家族 " * 300)
    assert _train_text(cli, corpus, "--out", tmp_path / "lm").code == 0
    _ascii_stdout(monkeypatch)
    result = cli("generate", tmp_path / "lm", "--prime", "家", "--length", 5)
    assert_one_line_error(result, 1, r"The result holds '家', which standard output cannot "
                                     r"write in its encoding \(ascii\); set "
                                     r"PYTHONIOENCODING=utf-8")


def test_train_text_to_an_output_that_cannot_hold_its_samples_escapes_them(
        cli, tmp_path, monkeypatch):
    # The sample printed after the first epoch ended the run: no bundle, 'a bug in seqlab'.
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("家族 " * 300)
    written = _ascii_stdout(monkeypatch)
    result = cli("train-text", corpus, "--epochs", 1, "--seq-len", 8, "--batch-size", 4,
                 "--units", 8, "--sample-length", 5, "--out", tmp_path / "lm")
    sys.stdout.flush()
    assert result.code == 0, result.err
    assert "sample at T=0.5: '\\u5bb6\\u65cf " in written.getvalue().decode("ascii")
    load(tmp_path / "lm")


def test_generate_from_a_series_bundle_says_it_is_no_text_model(cli, series_bundle):
    assert_one_line_error(cli("generate", series_bundle), 2, r"has no vocabulary")


TRAIN_TEXT_CASES = {
    "units-too-many-parameters": (["--units", 100_000], r"too large"),
    "seq-len-zero": (["--seq-len", 0], r"'seq_len' parameter of train-text"),
    "seed-negative": (["--seed", -1], r"'seed' parameter of train-text"),
    "text-too-short": (["--batch-size", 512], r"needs at least batch_size x seq_len"),
    "out-under-proc": (["--out", "/proc/seqlab-lm"], r"/proc"),
}


def _train_text(cli, corpus, *options):
    """train-text on `corpus` with settings small enough for a few hundred characters."""
    return cli("train-text", corpus, "--epochs", 1, "--seq-len", 8, "--batch-size", 4,
               "--sample-length", 0, *options)


@pytest.mark.parametrize("options,message", TRAIN_TEXT_CASES.values(), ids=TRAIN_TEXT_CASES)
def test_bad_train_text_use(tmp_path, cli, options, message):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("abcdefgh " * 200)
    if "--out" not in options:
        options = [*options, "--out", tmp_path / "lm"]
    assert_one_line_error(_train_text(cli, corpus, *options), 2, message)
    assert not (tmp_path / "lm").exists()


def test_train_text_on_a_file_of_whitespace_alone_is_refused(tmp_path, cli):
    # It trained, on spaces and line breaks, into a model that generates nothing else.
    corpus = tmp_path / "blank.txt"
    corpus.write_text(" \t \n\n  \r\n" * 400)
    result = _train_text(cli, corpus, "--out", tmp_path / "lm")
    assert_one_line_error(result, 2, r"blank.txt' holds only whitespace \(spaces, tabs, line "
                                     r"breaks\): a character model would learn nothing")
    assert not (tmp_path / "lm").exists()


@pytest.mark.parametrize("text,options", [("a" * 2000, []), ("aA" * 1000, ["--lower"])])
def test_train_text_on_a_file_of_one_character_is_refused(tmp_path, cli, text, options):
    # It trained to loss 0 without a word, into a model that writes that character alone.
    corpus = tmp_path / "one.txt"
    corpus.write_text(text)
    result = _train_text(cli, corpus, *options, "--out", tmp_path / "lm")
    assert_one_line_error(result, 2, r"one.txt' holds one distinct character"
                                     + (r" \(once lower-cased, as --lower asks\)" if options
                                        else "") + r", 'a', repeated: a character model would "
                                     r"learn nothing")
    assert not (tmp_path / "lm").exists()


def test_train_text_on_a_folder_or_a_pipe_says_what_to_do(tmp_path, cli):
    # Both were 'does not exist or is not a file (a folder, a pipe or a device cannot be
    # read as text)', though the folder exists and the pipe holds text.
    books = tmp_path / "books"
    books.mkdir()
    (books / "one.txt").write_text("abcdefgh " * 200)
    assert_one_line_error(_train_text(cli, books), 2,
                          rf"{re.escape(str(books))} is a folder, not a text file: join its "
                          rf"files into one first \(cat {re.escape(str(books))}/\*\.txt > "
                          r"books\.txt, say\) and train on that\.$")
    pipe = tmp_path / "text.fifo"
    os.mkfifo(pipe)
    assert_one_line_error(_train_text(cli, pipe), 2,
                          r"text.fifo is a pipe or a device: it is read twice \(for its "
                          r"characters, then to encode them\), so save it to a file first")


def test_train_text_on_a_missing_file(tmp_path, cli):
    assert_one_line_error(cli("train-text", tmp_path / "none.txt"), 2, r"does not exist")


OTHER_CASES = {
    "unknown-recipe": (["run", "echoo"], r"Unknown recipe 'echoo'. Did you mean 'echo'"),
    "repeats-zero": (["run", "echo", "--repeats", 0], r"'repeats'"),
    # Every seed's job was planned first: the machine ran out of memory, without a word.
    "repeats-absurd": (["run", "echo", "--quick", "--repeats", 99_999_999_999],
                       r"'repeats' parameter of run \(--repeats\) must be an int in the range "
                       r"\[1, 10000\]"),
    "repeat-repeats-absurd": (["repeat", "echo", "--repeats", 10_001],
                              r"'repeats' parameter of repeat .*\[1, 10000\]"),
    "threads-zero": (["--threads", 0, "recipes"], r"'threads'"),
    # The last seed of the repeats passed 2**63 - 1: a generator refused it after the work
    # had begun, naming a seed the user never gave ("of build (--seed) ... Got 2**63").
    **{f"{command}-last-seed-too-large": (
        [*argv, "--repeats", 2, "--seed", 2**63 - 1],
        rf"'seed' parameter of {command} \(--seed\) must be at most {2**63 - 2} for 2 repeats"
        rf".*Got {2**63 - 1} instead") for command, argv in
       [("run", ["run", "echo", "--quick"]), ("repeat", ["repeat", "echo", "--quick"]),
        ("tune", ["tune", "--grid", "units=1,2"])]},
    "threads-absurd": (["--threads", 10**6, "recipes"], r"'threads'.*\[1, 1024\]"),
    "workers-absurd": (["repeat", "echo", "--workers", 10**6], r"'workers'.*\[1, 256\]"),
    "diagnose-missing-folder": (["diagnose", "/nonexistent/run"], r"/nonexistent/run"),
    "report-not-a-run": (["report", "/"], r"run"),
    "run-out-under-proc": (["run", "echo", "--quick", "--out", "/proc/run"],
                           r"run directory /proc/run: the folder /proc does not take new files"),
    "run-tensorboard-under-proc": (["run", "echo", "--quick", "--tensorboard", "/proc/tb"],
                                   r"TensorBoard folder /proc/tb"),
    "repeat-out-under-proc": (["repeat", "echo", "--out", "/proc/run"], r"run directory"),
    "tune-out-under-proc": (["tune", "--grid", "units=1,2", "--out", "/proc/run"],
                            r"run directory"),
    # The grid's epochs won and --epochs was silently ignored.
    "tune-epochs-twice": (["tune", "--grid", "epochs=1,2", "--epochs", 3],
                          r"epochs is given by both --epochs and the search space"),
    "report-out-in-missing-folder": (["report", "/", "--out", "/nonexistent/r.html"],
                                     r"report /nonexistent/r.html: the folder /nonexistent"),
    # A config named neither .json nor .toml is read as TOML, seqlab's config format.
    "tune-config-not-toml": (["tune", "/etc/hostname", "--grid", "units=1,2"],
                             r"config file /etc/hostname is not valid TOML"),
}


@pytest.mark.parametrize("argv,message", OTHER_CASES.values(), ids=OTHER_CASES)
def test_other_bad_commands(cli, argv, message):
    assert_one_line_error(cli(*argv), 2, message)


def test_an_option_checked_by_a_section_of_the_config_is_named_after_the_section(tmp_path,
                                                                                 cli):
    # The option went after the owner's first word: "of the (--epochs) config's fit section".
    config = tmp_path / "exp.toml"
    config.write_text("[data]\nseries = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]\nwindow = 2\n"
                      "validation_fraction = 0.25\n")
    result = cli("repeat", config, "--repeats", 2, "--epochs", 0)
    assert_one_line_error(result, 2, r"The 'epochs' parameter of the config's fit section "
                                     r"\(--epochs\) must be an int")


def test_update_with_a_holdout_out_of_range(tmp_path, cli, series_bundle, series_csv, copy_of):
    path, _ = copy_of(series_bundle)
    result = cli("update", path, series_csv, series_csv, "--holdout", 2)
    assert_one_line_error(result, 2, r"'holdout'")


@pytest.mark.parametrize("option", ["--epochs", "--extra-epochs"])
def test_update_refuses_zero_epochs_naming_the_option(cli, series_bundle, series_csv, option):
    # 0 trained the default number of epochs without a word.
    result = cli("update", series_bundle, series_csv, series_csv, "--repeats", 1, "--dry-run",
                 option, 0)
    assert_one_line_error(result, 2, rf"\({option}\) must be an int in the range \[1, inf\)\. "
                                     r"Got 0")


def test_update_help_gives_the_real_default_of_extra_epochs(cli, monkeypatch):
    # It said the champion's epochs; update trains a fifth of them (at least 1).
    monkeypatch.setenv("COLUMNS", "200")
    result = cli("update", "--help")
    assert "a fifth of --epochs, at least 1" in result.out
    assert "the champion's epochs" not in result.out


def test_unknown_options_get_the_parsers_usage_message(cli):
    result = cli("train", "--bogus")
    assert result.code == 2 and "No such option" in result.err


def test_a_full_disk_is_one_line_exit_1_and_leaves_no_partial_file(tmp_path, cli, series_bundle,
                                                                  series_csv, monkeypatch):
    import seqlab._io

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(seqlab._io.os, "fsync", full)
    target = tmp_path / "forecasts.csv"
    result = cli("predict", series_bundle, series_csv, "--out", target)
    assert_one_line_error(result, 1, r"Could not write .*forecasts.csv: No space left on device")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sales.csv"]


class _Refusing:
    """`os` as a module sees it, except that `call` fails with `code` (as on a full disk:
    write() and fsync() name no file)."""

    def __init__(self, call: str, code: int):
        self.call, self.code = call, code

    def __getattr__(self, name):
        if name == self.call:
            def refuse(*args, **kwargs):
                raise OSError(self.code, os.strerror(self.code))
            return refuse
        return getattr(os, name)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG])
def test_a_full_disk_while_saving_a_bundle_is_exit_1_naming_the_file(tmp_path, cli, series_csv,
                                                                     monkeypatch, code):
    import seqlab.bundle.files

    good = tmp_path / "model"
    assert _train(cli, series_csv, "--out", good).code == 0
    before = load(good).folder
    monkeypatch.setattr(seqlab.bundle.files, "os", _Refusing("fsync", code))
    result = _train(cli, series_csv, "--out", good)
    assert_one_line_error(result, 1, rf"Could not write {tmp_path}/model/\.tmp-\w+/"
                                     rf"\w+\.(safetensors|json) \(bundle .*model\): "
                                     rf"{os.strerror(code)}\. Nothing was changed")
    assert load(good).folder == before  # the good bundle stays live
    fresh = _train(cli, series_csv, "--out", tmp_path / "fresh")
    assert_one_line_error(fresh, 1, rf"Could not write .*fresh.*: {os.strerror(code)}")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "fresh.checkpoint", "model", "model.checkpoint", "sales.csv"]  # nothing half-written
    monkeypatch.undo()  # space again: the training kept in the checkpoint is saved
    assert _train(cli, series_csv, "--out", tmp_path / "fresh", "--resume").code == 0
    assert len(load(tmp_path / "fresh").history) == 1 and not (
        tmp_path / "fresh.checkpoint").exists()


def test_a_full_disk_while_encoding_a_text_is_exit_1_naming_the_token_file(tmp_path, cli,
                                                                           monkeypatch):
    import seqlab.data.tokens

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(seqlab.data.tokens, "os", _Refusing("replace", errno.EFBIG))
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("abcdefgh " * 200)
    result = _train_text(cli, corpus, "--out", tmp_path / "lm")
    assert_one_line_error(result, 1, r"Could not write the token file .*cache/seqlab/tokens/"
                                     r"\w+\.bin: File too large\.")
    assert not (tmp_path / "lm").exists()


@pytest.mark.parametrize("error,message", [
    (OSError(errno.ENOSPC, "No space left on device", "/data/out.csv"),
     r"could not write /data/out.csv: No space left on device\.$"),
    (OSError(errno.EFBIG, "File too large"), r"could not write a file: File too large\.$"),
    (OSError(errno.EACCES, "Permission denied", "/data/in.csv"),
     r"could not access /data/in.csv: Permission denied\.$"),
], ids=["enospc-with-file", "efbig-without-file", "eacces"])
def test_an_os_error_reaching_the_command_line_is_exit_1_naming_the_file(cli, monkeypatch,
                                                                          error, message):
    import seqlab.recipes

    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr(seqlab.recipes, "run", failing)
    assert_one_line_error(cli("run", "echo", "--quick"), 1, message)


def test_debug_mode_shows_the_traceback(tmp_path, series_csv, monkeypatch):
    from seqlab.cli.app import run_cli
    from seqlab.errors import ValidationError

    monkeypatch.setenv("SEQLAB_DEBUG", "1")
    with pytest.raises(ValidationError):
        run_cli(["train", str(series_csv), "--column", "sales", "--units", "0"])


def test_an_unexpected_error_is_reported_as_a_bug_not_a_traceback(cli, monkeypatch):
    import seqlab.recipes

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(seqlab.recipes, "run", broken)
    assert_one_line_error(cli("run", "echo", "--quick"), 1,
                          r"unexpected ZeroDivisionError: boom. This is a bug")


@pytest.fixture(scope="module")
def forecasting_bundle(tmp_path_factory):
    import pandas as pd

    from seqlab.forecast import Forecaster, save

    folder = tmp_path_factory.mktemp("forecasting")
    months = pd.date_range("2015-01-01", periods=60, freq="MS")
    data = pd.Series(100 + 10 * np.sin(np.arange(60) * np.pi / 6), index=months, name="sales")
    save(Forecaster(6, members=1).fit(data), folder / "fm")
    frame = pd.DataFrame({"month": months.strftime("%Y-%m"), "sales": data.to_numpy()})
    frame.to_csv(folder / "all.csv", index=False)
    return folder / "fm", folder / "all.csv"


def test_forecasting_bundles_predict_refuse_update_with_guidance_and_spare_foreign_folders(
        tmp_path, cli, forecasting_bundle):
    bundle, data = forecasting_bundle
    predicted = cli("predict", bundle, data)
    assert predicted.code == 0
    assert predicted.out.splitlines()[0] == "date,series,forecast,lower,upper,method"
    assert len(predicted.out.splitlines()) == 7
    assert_one_line_error(cli("update", bundle, data, data), 2,
                          r"is a forecasting bundle .* refitted rather than updated")
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "cat.jpg").write_text("meow")
    assert_one_line_error(cli("forecast", data, "--horizon", 6, "--out", photos), 2,
                          r"not a forecasting bundle \(no forecast.json\); refusing to replace")
    assert (photos / "cat.jpg").read_text() == "meow"
    assert_one_line_error(cli("forecast", data, "--horizon", 6, "--forecasts", tmp_path / "no" /
                              "f.csv"), 2, r"the folder .*no does not exist")


def test_a_bundle_of_another_kind_given_to_forecast_is_named_as_what_it_is(
        tmp_path, cli, series_csv, text_bundle):
    # It said '.../v-...: not a forecasting bundle (no forecast.json)', naming a version
    # folder the user never gave and not what the bundle is.
    assert_one_line_error(cli("forecast", series_csv, "--model", text_bundle), 2,
                          rf"{text_bundle.name} is a text model bundle \(written by seqlab "
                          r"train-text; seqlab generate reads it\), not a forecasting bundle")


def test_a_forecasting_bundle_is_never_replaced_by_a_model_nor_read_as_one(
        tmp_path, cli, forecasting_bundle, series_csv, text_bundle):
    """train and train-text --out onto a forecasting bundle replaced it with their model and
    dropped its version (exit 0, the fitted forecaster lost); generate and inspect said it
    'lacks its manifest file' (inspect now shows its fit)."""
    import shutil

    from seqlab.bundle import save
    from seqlab.errors import BundleError
    from seqlab.forecast.persist import is_forecasting_bundle

    original, data = forecasting_bundle
    bundle = tmp_path / "fm"
    shutil.copytree(original, bundle)
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("abcdefgh " * 200)
    refused = r"fm is a forecasting bundle .*not a model bundle; refusing to replace it"
    assert_one_line_error(cli("train-text", corpus, "--out", bundle, "--epochs", 1, "--seq-len",
                              8, "--batch-size", 4, "--units", 4, "--sample-length", 0), 2,
                          refused)
    assert_one_line_error(_train(cli, series_csv, "--out", bundle), 2, refused)
    with pytest.raises(BundleError, match=refused):
        save(load(text_bundle).model, bundle)
    assert is_forecasting_bundle(bundle) and cli("predict", bundle, data).code == 0
    assert_one_line_error(cli("generate", bundle), 2,
                          r"fm is a forecasting bundle \(written by seqlab forecast --out; "
                          r"seqlab.forecast.load reads it\), not a model bundle")
    shown = cli("inspect", bundle)  # shown as what it is: its fit
    assert shown.code == 0 and shown.out.startswith(f"forecasting bundle {bundle}")


def test_a_bundle_s_version_folder_is_refused_as_an_output_and_read_as_a_bundle(
        tmp_path, cli, forecasting_bundle, series_csv, series_bundle):
    """A version folder (BUNDLE/v-...) given as --out was "a folder that is not a seqlab
    bundle" (train) or passed to the save, which then failed; a model bundle given to
    forecast --out was "a folder that is not a forecasting bundle (no forecast.json)";
    inspect and forecast --model refused a forecasting bundle's version folder, which holds
    its fit (a probe)."""
    import shutil

    from seqlab.bundle.store import resolve

    original, data = forecasting_bundle
    bundle, model = tmp_path / "fm", tmp_path / "series"
    shutil.copytree(original, bundle)
    shutil.copytree(series_bundle, model)
    fitted = resolve(bundle, "forecast.json")
    version = resolve(model)
    assert fitted.parent == bundle and version.parent == model
    inside = r"is a version folder inside the bundle .*{0}; a save adds its own version to a " \
             r"bundle: give .*{0} itself"
    assert_one_line_error(_train(cli, series_csv, "--out", version), 2,
                          inside.format("series") + ", or a new path")
    assert_one_line_error(cli("forecast", data, "--horizon", 6, "--out", fitted), 2,
                          inside.format("fm") + ", or a new path")
    assert_one_line_error(cli("update", version, series_csv, series_csv, "--epochs", 1), 2,
                          inside.format("series") + r"\.$")
    assert_one_line_error(cli("forecast", data, "--horizon", 6, "--out", model), 2,
                          r"series is a model bundle \(written by seqlab train or "
                          r"seqlab.bundle.save\), not a forecasting bundle; refusing")
    shown = cli("inspect", fitted)
    assert shown.code == 0 and shown.out.startswith(f"forecasting bundle {fitted}")
    from_version = cli("forecast", "--model", fitted, data)
    assert from_version.code == 0, from_version.err
    assert from_version.out == cli("forecast", "--model", bundle, data).out
    assert sorted(p.name for p in bundle.iterdir()) == sorted(p.name for p in original.iterdir())


@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="checks a CPU-only machine")
def test_a_device_or_precision_this_machine_lacks_is_one_line(tmp_path, cli, series_csv):
    assert_one_line_error(_train(cli, series_csv, "--device", "cuda", "--out", tmp_path / "m"),
                          2, r"The device 'cuda' is not available")
    assert_one_line_error(_train(cli, series_csv, "--precision", "16", "--out", tmp_path / "m"),
                          2, r"precision '16' .* needs a CUDA device")
    assert_one_line_error(_train(cli, series_csv, "--device", "tpu", "--out", tmp_path / "m"),
                          2, r"Unknown 'device' of ForecastConfig 'tpu'")
    assert not (tmp_path / "m").exists()


def test_a_model_of_series_and_a_text_model_never_replace_each_other(
        tmp_path, cli, series_bundle, text_bundle, series_csv):
    """train-text --out onto a `seqlab train` bundle replaced the model of series with a
    text model (exit 0; predict then said symbols were not in the vocabulary), and train
    --out onto a text model replaced it with a model of series."""
    import shutil

    series, text = tmp_path / "series", tmp_path / "text"
    shutil.copytree(series_bundle, series)
    shutil.copytree(text_bundle, text)
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("abcdefgh " * 200)
    before = [(folder / "CURRENT").read_text() for folder in (series, text)]
    assert_one_line_error(cli("train-text", corpus, "--out", series, "--epochs", 1, "--seq-len",
                              8, "--batch-size", 4, "--units", 4, "--sample-length", 0), 2,
                          r"series holds a model of series, not a text model; refusing to "
                          r"replace it")
    assert_one_line_error(_train(cli, series_csv, "--out", text), 2,
                          r"text holds a text model, not a model of series; refusing")
    assert [(folder / "CURRENT").read_text() for folder in (series, text)] == before


def test_update_of_a_bundle_in_a_place_that_takes_no_files_fails_before_training(
        tmp_path, cli, series_csv, monkeypatch):
    """A bundle on a read-only mount: the challengers were all trained before the lock beside
    the bundle could not be made (found by a probe). --dry-run writes nothing, and runs."""
    import tempfile

    import seqlab.lifecycle

    model = tmp_path / "place" / "model"
    model.parent.mkdir()
    assert cli("train", series_csv, "--column", "sales", "--epochs", 1, "--out", model).code == 0
    real_mkstemp = tempfile.mkstemp

    def read_only(*args, dir=None, **kwargs):
        if dir is not None and Path(dir) == model.parent:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    trained = []
    real_update = seqlab.lifecycle.update
    monkeypatch.setattr(seqlab.lifecycle, "update",
                        lambda *a, **k: trained.append(1) or real_update(*a, **k))
    assert_one_line_error(cli("update", model, series_csv, series_csv, "--epochs", 1,
                              "--repeats", 1), 2,
                          r"Cannot write the bundle .*model: the folder .*place does not take "
                          r"new files \(Read-only file system\)")
    assert trained == []
    assert cli("update", model, series_csv, series_csv, "--epochs", 1, "--repeats", 1,
               "--dry-run").code == 0
    assert trained == [1]


def test_a_rollback_of_no_bundle_says_what_the_path_is(tmp_path, cli, series_csv):
    # Each was "has no CURRENT file, so no previous version to roll back to" (a probe).
    (tmp_path / "empty").mkdir()
    for path, message in ((tmp_path / "absent", r"No bundle at .*absent: the path does not "
                                                r"exist"),
                          (series_csv, r"sales\.csv is a file; a bundle is a folder"),
                          (tmp_path / "empty", r"empty is not a seqlab bundle: it holds neither "
                                               r"CURRENT nor manifest\.json")):
        assert_one_line_error(cli("update", path, "--rollback"), 2, message)


def test_update_warns_when_old_and_new_are_one_file(tmp_path, cli, series_bundle, series_csv):
    # The champion was scored on the data it was trained on, without a word: every number
    # printed read as an answer about new data.
    result = cli("update", series_bundle, series_csv, tmp_path / "." / series_csv.name,
                 "--repeats", 1, "--epochs", 1, "--dry-run")
    assert result.code == 0, result.err
    assert re.search(r"warning: OLD and NEW are one file \(.*sales\.csv\): the comparison "
                     r"scores the champion on data it was trained on", result.err)
    copy = tmp_path / "recent.csv"
    copy.write_text(series_csv.read_text())
    result = cli("update", series_bundle, series_csv, copy, "--repeats", 1, "--epochs", 1,
                 "--dry-run")
    assert result.code == 0 and "warning" not in result.err, result.err


FILE_OPTION_CASES = {
    "forecast --forecasts": (lambda t, b, d: ["forecast", d, "--horizon", 3, "--forecasts",
                                             f"{t / 'o'}/"],
                             r"--forecasts .*o/ names a folder \(it ends in '/'\), but the "
                             r"forecasts are one table file: name the file "
                             r"\(.*o/forecasts\.csv, say\)\.$"),
    "backtest --plot": (lambda t, b, d: ["backtest", d, "--horizon", 3, f"--plot={t / 'o'}/"],
                        r"--plot .*o/ names a folder .* the plot is one picture file"),
    "classify --predictions": (lambda t, b, d: ["classify", d, "--test", d, "--predictions",
                                                f"{t / 'o'}/"],
                               r"--predictions .*o/ names a folder .*\(.*o/predictions\.csv"),
    "classify --plot": (lambda t, b, d: ["classify", d, "--test", d, "--plot", f"{t / 'o'}/"],
                        r"--plot .*o/ names a folder .*\(.*o/confusion\.png, say\)"),
    "update --plot": (lambda t, b, d: ["update", b, d, "--plot", f"{t / 'o'}/"],
                      r"--plot .*o/ names a folder .* the plot is one picture file"),
    "export --out": (lambda t, b, d: ["export", b, "--out", f"{t / 'o'}/"],
                     r"--out .*o/ names a folder .* an export is one file: name the file "
                     r"\(.*o/model\.onnx, say\)"),
    "report --out": (lambda t, b, d: ["report", t, "--out", f"{t / 'o'}/"],
                     r"--out .*o/ names a folder .* the report is one HTML file"),
}


@pytest.mark.parametrize("argv,message", FILE_OPTION_CASES.values(), ids=FILE_OPTION_CASES)
def test_a_file_option_written_as_a_folder_is_refused(tmp_path, cli, series_bundle,
                                                      series_csv, argv, message):
    # Regression: typer's Path drops the trailing '/', so the command wrote a file named o
    # where the user meant a folder (predict --out: PREDICT_CASES).
    assert_one_line_error(cli(*argv(tmp_path, series_bundle, series_csv)), 2, message)
    assert not (tmp_path / "o").exists()


def test_predict_warns_of_values_far_outside_what_the_model_was_trained_on(
        tmp_path, cli, series_bundle, series_csv):
    # Data in another unit (grams for kilograms) gave forecasts as sure-looking as any: a
    # model trained on 5 to 15 read 10,000 and answered within its range, without a word.
    grams = write_csv(tmp_path / "grams.csv", sine() * 1000)
    result = cli("predict", series_bundle, grams, "--last")
    assert result.code == 0, result.err
    assert re.search(r"warning: .*grams\.csv: column 'sales' holds 1\d{4}(\.\d+)?, 1,\d{3} times "
                     r"the width of the training range beyond the values the model was "
                     r"trained on \(from 5\.\d+ to 14\.\d+\); its forecasts there are "
                     r"extrapolation", result.err.replace("\n", " ")), result.err
    assert len(result.out.splitlines()) == 2  # the forecast is still written
    result = cli("predict", series_bundle, series_csv, "--last")
    assert result.code == 0 and "warning" not in result.err, result.err


@pytest.mark.parametrize("scale", ["minmax", "standard"])
def test_predict_warns_of_other_values_than_the_constant_a_model_was_trained_on(
        tmp_path, cli, scale):
    # Regression: a model trained on a constant 5 read 1,000 to 1,009 and answered about 5
    # without a word (minmax: the range has no width to measure by), or measured it in a
    # "standard deviation 1" that the data never had (standard: a constant's scale is 1).
    bundle = tmp_path / "model"
    constant = write_csv(tmp_path / "constant.csv", np.full(20, 5.0))
    assert _train(cli, constant, "--out", bundle, "--scale", scale, "--n-in", 3).code == 0
    result = cli("predict", bundle, write_csv(tmp_path / "far.csv", 1000 + np.arange(10.0)),
                 "--last")
    assert result.code == 0, result.err
    assert re.search(r"warning: .*far\.csv: column 'sales' holds 1009, but the model was "
                     r"trained on a constant 5 in it; its forecasts from other values are "
                     r"extrapolation", result.err.replace("\n", " ")), result.err
    assert len(result.out.splitlines()) == 2  # the forecast is still written
    result = cli("predict", bundle, constant, "--last")
    assert result.code == 0 and "warning" not in result.err, result.err


def test_swapped_bundle_and_data_arguments_are_named_with_the_command_meant(
        tmp_path, cli, series_bundle, series_csv):
    # "sales.csv is a file; a bundle is a folder (see seqlab.bundle.save)" left the user to
    # find that the bundle comes first.
    result = cli("predict", series_csv, series_bundle)
    assert_one_line_error(result, 2, rf"sales\.csv is a file and .*{Path(series_bundle).name} "
                                     r"a folder: the bundle comes first\. Did you mean "
                                     rf"`seqlab predict .*{Path(series_bundle).name} "
                                     r".*sales\.csv`\?")
    result = cli("update", series_csv, series_bundle, series_csv, "--dry-run")
    assert_one_line_error(result, 2, r"the bundle comes first\. Did you mean `seqlab update "
                                     rf".*{Path(series_bundle).name} .*sales\.csv .*sales\.csv`")


def test_predict_out_onto_a_link_writes_the_file_it_points_to_and_keeps_the_link(
        tmp_path, cli, series_bundle, series_csv):
    # --out latest.csv, a link to this run's file, replaced the link by a file: the run's
    # file kept the old table and the link was gone.
    (tmp_path / "runs").mkdir()
    target = tmp_path / "runs" / "forecast.csv"
    target.write_text("old\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    assert cli("predict", series_bundle, series_csv, "--last", "--out", link).code == 0
    assert link.is_symlink() and target.read_text().startswith("step,t+1\n60,")
    dangling = tmp_path / "next.csv"
    dangling.symlink_to(tmp_path / "runs" / "new.csv")  # a file to be made, as '>' makes it
    assert cli("predict", series_bundle, series_csv, "--last", "--out", dangling).code == 0
    assert dangling.is_symlink() and (tmp_path / "runs" / "new.csv").is_file()
    lost = tmp_path / "lost.csv"
    lost.symlink_to(tmp_path / "gone" / "new.csv")  # its folder is missing: refused first
    result = cli("predict", series_bundle, series_csv, "--last", "--out", lost)
    assert_one_line_error(result, 2, r"the folder .*gone does not exist")
    assert lost.is_symlink() and not (tmp_path / "gone").exists()


def test_predict_out_onto_a_stream_writes_through_it_and_never_replaces_it(
        tmp_path, cli, series_bundle, series_csv):
    # --out /dev/stdout (run as root) renamed a file onto /dev/stdout: the link became a
    # regular file holding the table, and nothing was printed.
    import stat
    import threading

    link = tmp_path / "out.csv"
    link.symlink_to("/dev/null")
    assert cli("predict", series_bundle, series_csv, "--last", "--out", link).code == 0
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    read = []
    reader = threading.Thread(target=lambda: read.append(pipe.read_text()))
    reader.start()
    result = cli("predict", series_bundle, series_csv, "--last", "--out", pipe)
    reader.join(timeout=30)
    assert result.code == 0, result.err
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert read and read[0].startswith("step,t+1\n60,")
