"""`seqlab train-text` then `seqlab generate`, each in a fresh process."""

import os
import subprocess
import sys

from seqlab.problems.corpora import corpus_path

SHAKESPEARE = corpus_path("tinyshakespeare")


def _seqlab(*args, cwd):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-m", "seqlab", *args], capture_output=True,
                          text=True, timeout=600, cwd=cwd, env=env)


def test_train_text_then_generate_repeatably_from_a_fresh_process(tmp_path):
    text = tmp_path / "play.txt"
    text.write_text(SHAKESPEARE.read_text()[:8000])
    trained = _seqlab("train-text", str(text), "--out", str(tmp_path / "model"), "--units", "24",
                      "--epochs", "2", "--seq-len", "16", "--batch-size", "8", cwd=tmp_path)
    assert trained.returncode == 0, trained.stderr
    assert "epoch 2: loss" in trained.stdout and "perplexity" in trained.stdout
    assert "sample at T=0.5" in trained.stdout

    first = _seqlab("generate", str(tmp_path / "model"), "--prime", "First", "--length", "80",
                    "--seed", "7", cwd=tmp_path)
    second = _seqlab("generate", str(tmp_path / "model"), "--prime", "First", "--length", "80",
                     "--seed", "7", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    generated = first.stdout.rstrip("\n")
    assert generated.startswith("First") and len(generated) == len("First") + 80
    assert set(generated) <= set(text.read_text())

    unknown = _seqlab("generate", str(tmp_path / "model"), "--prime", "Fi~", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "'~'" in unknown.stderr and "Traceback" not in unknown.stderr


def test_every_train_text_setting_is_an_option_with_the_config_default():
    import dataclasses
    import inspect

    from seqlab.cli.cmd_text import _train_text
    from seqlab.recipes.text_training import TextTrainingConfig

    parameters = inspect.signature(_train_text).parameters
    for field in dataclasses.fields(TextTrainingConfig):
        assert field.name in parameters, f"train-text has no --{field.name.replace('_', '-')}"
        assert parameters[field.name].default == field.default, field.name


def test_train_text_says_when_steps_ended_training(tmp_path, capsys):
    from seqlab.cli.app import run_cli

    text = tmp_path / "play.txt"
    text.write_text(SHAKESPEARE.read_text()[:8000])
    assert run_cli(["train-text", str(text), "--out", str(tmp_path / "m"), "--units", "16",
                    "--epochs", "3", "--steps", "5", "--seq-len", "16", "--batch-size", "8",
                    "--sample-length", "0", "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "stopped after 5 batches (--steps)" in out
    assert "trained 1 epoch(s) (--steps ran out)" in out


def test_generate_without_a_prime_starts_where_the_model_can(tmp_path, capsys):
    # A model of digits could not start from the default 'the ': generate failed with "The
    # prime holds 4 character(s) ..." though no prime was given.
    from seqlab.cli.app import run_cli

    for name, text in (("digits", "0123456789 " * 300), ("words", "the cat and the hat. " * 150)):
        corpus = tmp_path / f"{name}.txt"
        corpus.write_text(text)
        assert run_cli(["train-text", str(corpus), "--out", str(tmp_path / name), "--units", "8",
                        "--epochs", "1", "--steps", "3", "--seq-len", "8", "--batch-size", "8",
                        "--sample-length", "0", "--device", "cpu"]) == 0
        capsys.readouterr()
        assert run_cli(["generate", str(tmp_path / name), "--length", "12", "--seed", "1"]) == 0
        shown = capsys.readouterr()
        generated = shown.out.rstrip("\n")
        # (the digits start at the start of a word: the space primed with is not shown)
        assert len(generated) == (12 if name == "digits" else 16)
        assert set(generated) <= set(text)
        assert ("the default prime 'the '" in shown.err) == (name == "digits")
        if name == "words":
            assert generated.startswith("the ")


def test_generate_lower_cases_the_prime_of_a_model_trained_lower_cased(tmp_path, capsys):
    # train-text --lower: generate --prime "Izmir" failed on the 'I' the model never saw.
    from seqlab.cli.app import run_cli

    corpus = tmp_path / "city.txt"
    corpus.write_text("Izmir is a city by the sea. " * 100)
    assert run_cli(["train-text", str(corpus), "--out", str(tmp_path / "m"), "--lower",
                    "--units", "8", "--epochs", "1", "--steps", "3", "--seq-len", "8",
                    "--batch-size", "8", "--sample-length", "0", "--device", "cpu"]) == 0
    capsys.readouterr()
    assert run_cli(["generate", str(tmp_path / "m"), "--prime", "Izmir", "--length", "10",
                    "--seed", "1"]) == 0
    shown = capsys.readouterr()
    assert shown.out.startswith("izmir") and len(shown.out.rstrip("\n")) == 15
    assert "lower-cased" in shown.err


def test_generate_refuses_a_bad_option_before_warning_about_the_prime(tmp_path, capsys):
    # A model of digits and --temperature -1: generate printed "warning: started from ' '
    # ... default prime" and only then refused the temperature; the option comes first.
    from seqlab.cli.app import run_cli

    corpus = tmp_path / "digits.txt"
    corpus.write_text("0123456789 " * 300)
    assert run_cli(["train-text", str(corpus), "--out", str(tmp_path / "m"), "--units", "8",
                    "--epochs", "1", "--steps", "3", "--seq-len", "8", "--batch-size", "8",
                    "--sample-length", "0", "--device", "cpu"]) == 0
    for option, value, name in (("--temperature", "-1", "temperature"), ("--top-k", "0", "top_k"),
                                ("--length", "-3", "length"), ("--seed", "-1", "seed")):
        capsys.readouterr()
        assert run_cli(["generate", str(tmp_path / "m"), option, value]) == 2
        err = capsys.readouterr().err
        assert f"'{name}' parameter of generate_text ({option})" in err
        assert "warning" not in err and "default prime" not in err
    # --prime "": 'The prime text must hold at least one symbol', naming no option
    assert run_cli(["generate", str(tmp_path / "m"), "--prime", ""]) == 2
    assert "error: --prime is empty; give at least one character to start from, or leave " \
           "--prime out (then 'the ')." in capsys.readouterr().err


def _digit_lines(tmp_path):
    from seqlab.cli.app import run_cli

    corpus = tmp_path / "lines.txt"
    corpus.write_text("0123456789\n" * 300)
    assert run_cli(["train-text", str(corpus), "--out", str(tmp_path / "m"), "--units", "8",
                    "--epochs", "1", "--steps", "3", "--seq-len", "8", "--batch-size", "8",
                    "--sample-length", "0", "--device", "cpu"]) == 0
    return tmp_path / "m"


def test_generate_without_a_usable_prime_starts_at_the_start_of_a_line(tmp_path, capsys):
    # The fallback prime was the vocabulary's first character, a line break for most
    # texts: the output began with an empty line. It now starts as a line of the text
    # does, after a line break that is context, not output.
    from seqlab.cli.app import run_cli

    bundle = _digit_lines(tmp_path)
    capsys.readouterr()
    assert run_cli(["generate", str(bundle), "--length", "12", "--seed", "1",
                    "--temperature", "0"]) == 0
    shown = capsys.readouterr()
    assert len(shown.out) == 13 and shown.out.endswith("\n")  # 12 characters, no prime
    assert "started at the start of a line: the model never saw every character of the " \
        "default prime 'the '" in " ".join(shown.err.split())


def test_generate_prints_the_text_as_it_is_drawn(tmp_path, capsys, monkeypatch):
    # generate printed nothing until the last character was drawn; it now prints each
    # as it comes, the whole the same as generate_text's.
    import io

    from seqlab.bundle import load
    from seqlab.cli.app import run_cli
    from seqlab.data.pipeline import EncodeStep
    from seqlab.generate import sampling

    bundle = _digit_lines(tmp_path)
    capsys.readouterr()
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    printed = []  # how much was printed when each character was drawn
    drawn = sampling.sample_next

    def sample_next(*args, **kwargs):
        printed.append(len(out.getvalue()))
        return drawn(*args, **kwargs)

    monkeypatch.setattr(sampling, "sample_next", sample_next)
    assert run_cli(["generate", str(bundle), "--prime", "01", "--length", "20",
                    "--seed", "3", "--device", "cpu"]) == 0
    assert len(printed) == 20 and printed[0] == 0 and printed[-1] == len("01") + 19
    monkeypatch.setattr(sampling, "sample_next", drawn)
    loaded = load(bundle)
    vocabulary = next(s for s in loaded.pipeline.steps if isinstance(s, EncodeStep)).vocabulary_
    pieces = []
    text = sampling.generate_text(loaded.model, vocabulary, "01", 20, temperature=0.5, seed=3,
                                  stream=pieces.append)
    assert "".join(pieces) == text and out.getvalue() == "01" + text + "\n"


def test_generate_shows_control_characters_of_the_vocabulary_escaped(tmp_path, capsys):
    # A bundle whose vocabulary held ESC (edited, or trained on a text with terminal codes)
    # printed it raw: the model's output drove the terminal. It is now shown as '\x1b'.
    import json

    from bundle_tampering import rehash
    from seqlab.cli.app import run_cli

    bundle = _digit_lines(tmp_path)
    version = next(bundle.glob("v-*"))
    pipeline = json.loads((version / "pipeline.json").read_text())
    symbols = pipeline["steps"][0]["state"]["symbols"]
    symbols[symbols.index("5")] = "\x1b"
    (version / "pipeline.json").write_text(json.dumps(pipeline))
    rehash(version)
    capsys.readouterr()
    assert run_cli(["generate", str(bundle), "--prime", "0123\x1b", "--length", "40",
                    "--seed", "1", "--temperature", "0", "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("0123\\x1b") and "\x1b" not in out
