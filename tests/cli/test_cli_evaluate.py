"""`seqlab repeat`, `tune`, `diagnose`, `report`, and `run --out/--tensorboard`."""

import json

import pytest
from typer.testing import CliRunner

from seqlab.cli import app
from seqlab.recipes.diagnose import toy_config

runner = CliRunner()


def _last_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_repeat_with_two_workers_gives_the_same_scores_as_one(tmp_path):
    config = tmp_path / "toy.json"
    config.write_text(json.dumps(toy_config(epochs=10)))
    args = ["repeat", str(config), "--repeats", "2", "--seed", "3", "--json"]
    one = _last_json(runner.invoke(app, [*args, "--workers", "1", "--sequential"]))
    two = _last_json(runner.invoke(app, [*args, "--workers", "2"]))
    assert one["scores"] == two["scores"] and one["seeds"] == [3, 4]
    assert {"mean", "std", "min", "q25", "median", "q75", "max", "ci_low", "ci_high"} <= set(one)
    # Trained together as one batched model (the default), to float rounding.
    batched = _last_json(runner.invoke(app, [*args, "--workers", "1"]))
    for key in ("scores", "mean", "std", "median"):
        assert batched[key] == pytest.approx(one[key], rel=1e-5), key


def test_repeat_a_recipe_prints_a_describe_table(tmp_path):
    result = runner.invoke(app, ["repeat", "alphabet-dense-window", "--quick", "--epochs", "2",
                                 "--repeats", "2", "--out", str(tmp_path / "rd")])
    assert result.exit_code == 0, result.output
    assert "mean" in result.output and "CI of the mean" in result.output
    assert (tmp_path / "rd" / "boxplot.png").is_file()


def test_repeat_of_a_categorical_recipe_explains_why_not():
    result = runner.invoke(app, ["repeat", "diagnose-underfit", "--epochs", "3",
                                 "--repeats", "1"])
    assert result.exit_code != 0
    assert "categorical" in str(result.exception)


def test_tune_grid_on_the_command_line(tmp_path):
    result = runner.invoke(app, ["tune", "--grid", "units=1,4", "--repeats", "2", "--epochs",
                                 "5", "--json", "--out", str(tmp_path / "rd")])
    payload = _last_json(result)
    assert set(payload["table"]) == {"1", "4"}
    assert payload["best"]["units"] in (1, 4)
    assert (tmp_path / "rd" / "boxplot.png").is_file()


def test_run_out_writes_a_run_dir_then_diagnose_and_report(tmp_path):
    run_dir, logs = tmp_path / "run", tmp_path / "tb"
    result = runner.invoke(app, ["run", "diagnose-underfit", "--out", str(run_dir),
                                 "--tensorboard", str(logs), "--json"])
    payload = _last_json(result)
    assert payload["value"] == "underfit" and payload["values"] == ["underfit"]
    for name in ("config.json", "metrics.json", "history.json", "history.csv",
                 "diagnosis.json", "learning_curves.png", "learning_curves_seed0.png"):
        assert (run_dir / name).is_file(), name
    assert list((logs / "diagnose-underfit-seed0").glob("events.out.tfevents.*"))
    diagnosed = _last_json(runner.invoke(app, ["diagnose", str(run_dir), "--json"]))
    assert diagnosed["verdict"] == "underfit"
    report = runner.invoke(app, ["report", str(run_dir)])
    assert report.exit_code == 0, report.output
    assert (run_dir / "report.html").read_text().count("data:image/png;base64,") == 2


def test_a_folder_holding_files_of_a_runs_names_is_refused_unless_a_run_wrote_them(
        tmp_path, capsys):
    # run NAME --out . in a project folder wrote over the project's own config.json.
    from seqlab.cli.app import run_cli

    project = tmp_path / "project"
    project.mkdir()
    for name, text in (("config.json", '{"lr": 0.1}'), ("History.csv", "date,price\n")):
        (project / name).write_text(text)
    assert run_cli(["-q", "run", "echo", "--quick", "--out", str(project)]) == 2
    message = capsys.readouterr().err
    assert "holds History.csv, config.json, which a run would write over" in message
    assert "not the folder of an earlier seqlab run" in message
    assert (project / "config.json").read_text() == '{"lr": 0.1}'
    assert (project / "History.csv").read_text() == "date,price\n"
    # a folder an earlier run wrote, recorded or (before the record) named by its config
    assert run_cli(["-q", "run", "echo", "--quick", "--out", str(tmp_path / "run")]) == 0
    assert run_cli(["-q", "run", "echo", "--quick", "--out", str(tmp_path / "run")]) == 0
    (tmp_path / "run" / ".seqlab-files.json").unlink()
    assert run_cli(["-q", "run", "echo", "--quick", "--out", str(tmp_path / "run")]) == 0
    assert json.loads((tmp_path / "run" / "config.json").read_text())["command"] == "run"


def test_bad_grid_is_a_clear_error():
    result = runner.invoke(app, ["tune", "--grid", "units"])
    assert result.exit_code != 0
    assert "NAME=V1,V2" in str(result.exception)


def test_outputs_that_would_replace_an_input_or_a_record_are_refused_before_training(
        tmp_path, capsys):
    # repeat/tune --out exp replaced exp/config.json, the experiment itself, with the run's
    # record; --out onto a file failed only after training ('File exists', exit 1); and
    # report --out run/metrics.json wrote HTML over the run's metrics.
    from seqlab.cli.app import run_cli

    (tmp_path / "exp").mkdir()
    config = tmp_path / "exp" / "config.json"
    config.write_text(json.dumps(toy_config(epochs=2)))
    before = config.read_text()
    assert run_cli(["repeat", str(config), "--repeats", "2", "--out",
                    str(tmp_path / "exp")]) == 2
    assert "would write over with its own config.json" in capsys.readouterr().err
    assert run_cli(["tune", str(config), "--grid", "units=1,2", "--repeats", "2", "--out",
                    str(tmp_path / "exp")]) == 2
    assert config.read_text() == before
    (tmp_path / "afile").write_text("keep")
    for argv in (["repeat", str(config), "--repeats", "2"], ["run", "echo", "--quick"]):
        assert run_cli([*argv, "--out", str(tmp_path / "afile")]) == 2
        assert "is a file; name a folder" in capsys.readouterr().err
    assert (tmp_path / "afile").read_text() == "keep"
    assert run_cli(["-q", "repeat", str(config), "--repeats", "2", "--out",
                    str(tmp_path / "run")]) == 0
    metrics = (tmp_path / "run" / "metrics.json").read_text()
    for name in ("metrics.json", "report.pdf"):
        assert run_cli(["report", str(tmp_path / "run"), "--out",
                        str(tmp_path / "run" / name)]) == 2
        assert "name a .html file" in capsys.readouterr().err
    assert (tmp_path / "run" / "metrics.json").read_text() == metrics


def test_diagnose_reads_a_history_whose_json_was_deleted_from_its_csv(tmp_path):
    # "holds no history with a validation loss" though history.csv held the curves.
    from seqlab.runs import write_run_dir
    from seqlab.train import History

    history = History([{"epoch": i, "loss": 1 / i, "val_loss": 1.2 / i}
                       for i in range(1, 21)])
    folder = write_run_dir(tmp_path / "run", config={"command": "run"}, histories=[history])
    (folder / "history.json").unlink()
    result = runner.invoke(app, ["diagnose", str(folder)])
    assert result.exit_code == 0, result.output
    assert "run 1: " in result.stdout and "verdict: " in result.stdout
    assert "history.json is missing; its run was read from history.csv" in result.stderr


@pytest.mark.parametrize("config, advice", [
    ({"command": "repeat", "target": "echo", "repeats": 3, "quick": True, "epochs": 2},
     "`seqlab run echo --quick --repeats 3 --epochs 2 --out FOLDER`, then `seqlab diagnose "
     "FOLDER`"),
    ({"command": "repeat", "target": "exp.toml", "repeats": 3},
     "Give diagnose a run folder, one written by `seqlab run NAME --out FOLDER`"),
    ({"command": "tune", "config": "toy", "grid": {"units": [1, 2]}},
     "Give diagnose a run folder, one written by `seqlab run NAME --out FOLDER`"),
])
def test_diagnose_of_a_repeat_or_tune_folder_says_what_it_is_and_what_to_give(
        tmp_path, capsys, config, advice):
    # It said "holds no history with a validation loss ...", though repeat and tune never
    # record learning curves: no folder of theirs could ever be diagnosed.
    from seqlab.cli.app import run_cli
    from seqlab.runs import write_run_dir

    folder = write_run_dir(tmp_path / "out", config=config, metrics={"scores": [0.5]})
    assert run_cli(["diagnose", str(folder)]) == 2
    message = " ".join(capsys.readouterr().err.split())
    assert (f"'{folder}' is the folder of a `seqlab {config['command']}`, which records "
            f"the scores of") in message
    assert f"not their learning curves, so there is nothing to diagnose; `seqlab report " \
           f"{folder}` shows the scores." in message
    assert advice in message
