"""Run directories and the HTML report's content."""

import base64
import re
import shutil

import pytest

from seqlab.errors import ValidationError
from seqlab.plots import boxplot
from seqlab.runs import read_run_dir, write_report, write_run_dir
from seqlab.train import History


def _quick_run(folder, *extra) -> int:
    """`seqlab run` of a quick recipe of three epochs into `folder`: its exit status."""
    from seqlab.cli.app import run_cli

    return run_cli(["-q", "run", "diagnose-underfit", "--quick", "--epochs", "3", *extra,
                    "--out", str(folder)])


def _history(n=10, shift=0.0):
    return History([{"epoch": i + 1, "loss": 1 / (i + 1) + shift, "val_loss": 1.2 / (i + 1)}
                    for i in range(n)])


def test_run_dir_round_trips_and_report_embeds_every_figure(tmp_path):
    extra = boxplot({"a": [1.0, 2.0]})
    write_run_dir(tmp_path / "run", config={"recipe": "demo <b>", "seed": 0},
                  metrics={"value": 0.5}, histories=[_history(), _history()],
                  figures={"extra": extra})
    record = read_run_dir(tmp_path / "run")
    assert len(record.histories) == 2 and record.config["seed"] == 0
    assert {f.name for f in record.figures} == {"learning_curves.png", "extra.png"}
    assert (tmp_path / "run" / "history-1.csv").read_text().startswith("epoch,loss,val_loss")
    page = write_report(tmp_path / "run").read_text()
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 2
    assert all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    assert "demo &lt;b&gt;" in page and "<b>" not in page.split("<body>")[1].split("<h1>")[0]
    assert "Diagnosis" in page and "http" not in page.replace("http-equiv", "")


def test_reading_a_folder_that_is_not_a_run_dir_says_how_to_make_one(tmp_path):
    with pytest.raises(ValidationError, match="seqlab run NAME --out"):
        read_run_dir(tmp_path)


def test_reading_a_file_as_a_run_dir_says_it_is_a_file_not_that_it_is_missing(tmp_path):
    # `seqlab diagnose RUN/config.json` said "Run directory 'RUN/config.json' does not exist."
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ValidationError, match=r"config.json' is a file; a run directory is "
                                              r"the folder a run wrote"):
        read_run_dir(tmp_path / "config.json")
    with pytest.raises(ValidationError, match="does not exist"):
        read_run_dir(tmp_path / "none")


def _write_history(folder, records):
    import json

    folder.mkdir()
    (folder / "history.json").write_text(json.dumps({"records": records}))
    return folder


def test_a_diverged_or_gapped_run_is_reported_undiagnosed_with_the_reason(tmp_path):
    # One NaN epoch made the whole report fail ("holds NaN or infinity; cannot diagnose
    # it"), and validation missing for some epochs was called NaN too.
    from seqlab.evaluate import diagnose

    nan = [{"epoch": i, "loss": 1 / i, "val_loss": float("nan") if i == 6 else 1 / i}
           for i in range(1, 21)]
    gap = [{"epoch": i, "loss": 1 / i, **({"val_loss": 2 / i} if i > 10 else {})}
           for i in range(1, 21)]
    for name, records, reason in [
            ("nan", nan, "holds NaN or infinity (first at epoch 6)"),
            ("gap", gap, "was not recorded at 10 of 20 epochs (first at epoch 1)")]:
        folder = _write_history(tmp_path / name, records)
        page = write_report(folder).read_text()
        assert "run 1 is not diagnosed: The &#x27;val_loss&#x27; curve " + reason in page
        assert page.count("data:image/png;base64,") == 1  # the curves are still shown
        with pytest.raises(ValidationError, match=re.escape(reason)):
            diagnose(read_run_dir(folder).histories[0])


def test_damaged_records_name_the_file_and_a_damaged_metrics_file_spares_the_rest(tmp_path):
    # Words in the loss curve were "a bug in seqlab"; a torn metrics.json stopped the
    # diagnosis and the report, which the histories alone serve.
    folder = _write_history(tmp_path / "words", [{"epoch": i, "loss": "abc", "val_loss": "x"}
                                                 for i in range(1, 21)])
    with pytest.raises(ValidationError, match=r"history.json is damaged: its 'loss' curve "
                                              r"holds 'abc', not a number"):
        read_run_dir(folder)
    folder = _write_history(tmp_path / "torn", [{"epoch": i, "loss": 1 / i,
                                                 "val_loss": 1 / i + 0.1}
                                                for i in range(1, 21)])
    (folder / "metrics.json").write_text("{")
    record = read_run_dir(folder)
    assert record.metrics == {} and len(record.histories) == 1
    assert "metrics.json is not valid JSON" in record.problems[0]
    assert "metrics.json is not valid JSON" in write_report(folder).read_text()


def test_a_run_written_over_another_leaves_none_of_its_records(tmp_path):
    # The earlier run's figures, diagnosis and curves stayed, and the next report showed
    # them as this run's.
    from seqlab.plots import boxplot

    folder = tmp_path / "run"
    write_run_dir(folder, config={"name": "first"}, metrics={"accuracy": 0.5},
                  histories=[_history(), _history(shift=0.1)],
                  figures={"seed0": boxplot({"a": [1.0, 2.0]}),
                           "seed1": boxplot({"a": [1.0, 2.0]})})
    write_report(folder)
    (folder / "notes.png").write_bytes(b"mine")  # not a run's: stays
    assert (folder / "diagnosis.json").is_file() and (folder / "history-2.json").is_file()
    write_run_dir(folder, config={"name": "second"}, figures={"seed5": boxplot({"b": [3.0]})})
    left = sorted(p.name for p in folder.iterdir())
    assert left == [".seqlab-files.json", "config.json", "notes.png", "seed5.png"]
    record = read_run_dir(folder)
    assert record.metrics == {} and [f.name for f in record.figures] == ["notes.png",
                                                                         "seed5.png"]


def test_files_no_run_wrote_are_kept(tmp_path):
    # report.html and diagnosis.json of the user's own were removed by a run there.
    folder = tmp_path / "project"
    folder.mkdir()
    for name in ("report.html", "diagnosis.json", "learning_curves.png", "data.csv"):
        (folder / name).write_text("mine")
    for run in ("first", "second"):
        write_run_dir(folder, config={"name": run}, metrics={"score": 1.0})
    for name in ("report.html", "diagnosis.json", "learning_curves.png", "data.csv"):
        assert (folder / name).read_text() == "mine", name


def test_a_recipes_own_figures_are_removed_by_the_next_run_there(tmp_path):
    # learning_curves_seed0.png of the first run stayed beside the second run's seed1.

    folder = tmp_path / "r"
    for seed in ("0", "1"):
        assert _quick_run(folder, "--seed", seed) == 0
    figures = sorted(p.name for p in folder.glob("*.png"))
    assert "learning_curves_seed1.png" in figures
    assert "learning_curves_seed0.png" not in figures


def test_a_run_with_fewer_repeats_than_the_last_there_reports_only_its_own(tmp_path):
    # Guard: the brief's case of RunDir never clearing earlier runs. history-2/-3 and the
    # seed1/seed2 curves of a 3-repeat run must not join a later 1-repeat run's report.

    folder = tmp_path / "r"
    for repeats in ("3", "1"):
        assert _quick_run(folder, "--repeats", repeats) == 0
    assert not list(folder.glob("history-*")) and not list(folder.glob("*seed[12].png"))
    record = read_run_dir(folder)
    assert record.runs == [1] and record.config["repeats"] == 1


def test_a_command_that_fails_leaves_the_earlier_run_as_it_was(tmp_path):
    # The folder was cleared before the command checked its input: a typo wiped it out.
    from seqlab.cli.app import run_cli

    folder = tmp_path / "r"
    assert _quick_run(folder) == 0
    before = sorted(p.name for p in folder.iterdir())
    assert run_cli(["repeat", "nosuch-recipe", "--out", str(folder)]) == 2
    assert run_cli(["tune", "--grid", "bogus", "--out", str(folder)]) == 2
    assert sorted(p.name for p in folder.iterdir()) == before


def test_figures_a_program_wrote_before_recording_its_run_stay(tmp_path):
    # write_run_dir removed every recorded file older than its own call: the figures of a
    # recipe run from Python, and a figure written through RunDir a moment before.
    from seqlab.plots import boxplot
    from seqlab.recipes import run
    from seqlab.runs import RunDir

    result = run("diagnose-underfit", quick=True, epochs=3, out=tmp_path / "exp",
                 echo=lambda line: None)
    figures = sorted(p.name for p in (tmp_path / "exp").glob("*.png"))
    assert figures
    write_run_dir(tmp_path / "exp", config={"recipe": "diagnose-underfit"},
                  metrics=result.to_json())
    assert set(figures) <= {p.name for p in (tmp_path / "exp").glob("*.png")}

    RunDir(tmp_path / "exp2").add_figure(boxplot({"a": [1.0, 2.0]}), "predictions")
    write_run_dir(tmp_path / "exp2", config={"name": "mine"}, metrics={"score": 1.0})
    assert (tmp_path / "exp2" / "predictions.png").is_file()
    # ... and the next run there replaces them, as any earlier run's records.
    write_run_dir(tmp_path / "exp2", config={"name": "next"})
    assert not (tmp_path / "exp2" / "predictions.png").exists()


def test_a_run_stopped_half_way_leaves_its_figures_to_the_next_fresh_run(tmp_path):
    from seqlab.plots import boxplot
    from seqlab.runs import RunDir, begin_run

    RunDir(tmp_path / "r").add_figure(boxplot({"a": [1.0]}), "partial")  # never finished
    begin_run(tmp_path / "r", fresh=True)
    write_run_dir(tmp_path / "r", config={"name": "whole"})
    assert not (tmp_path / "r" / "partial.png").exists()


def test_a_record_written_as_a_list_by_an_earlier_version_is_still_cleared(tmp_path):
    folder = tmp_path / "r"
    write_run_dir(folder, config={"name": "first"}, metrics={"score": 1.0})
    (folder / ".seqlab-files.json").write_text('["config.json", "metrics.json"]')
    write_run_dir(folder, config={"name": "second"})
    assert not (folder / "metrics.json").exists()


@pytest.mark.parametrize("name", ["sub/x", "../x", "", ".."])
def test_a_figure_name_with_a_folder_is_refused(tmp_path, name):
    # add_figure(fig, "sub/x") recorded "x.png", which the next run removed from the folder.
    from seqlab.plots import boxplot
    from seqlab.runs import RunDir

    with pytest.raises(ValidationError, match=r"A figure's name is a file name in the run "
                                              r"directory"):
        RunDir(tmp_path / "r").add_figure(boxplot({"a": [1.0]}), name)


def test_diagnose_gives_the_verdict_of_the_sound_runs_beside_a_diverged_one(tmp_path, capsys):
    # One NaN history made `seqlab diagnose` an error, with no verdict for the others, where
    # the report showed it undiagnosed.
    import json

    from seqlab.cli.app import run_cli

    folder = tmp_path / "runs"
    folder.mkdir()
    sound = [{"epoch": i, "loss": 1 / i, "val_loss": 1 / i} for i in range(1, 21)]
    diverged = [{**r, "val_loss": float("nan") if r["epoch"] == 6 else r["val_loss"]}
                for r in sound]
    for k, records in enumerate((diverged, sound, sound), start=1):
        (folder / f"history-{k}.json").write_text(json.dumps({"records": records}))
    assert run_cli(["diagnose", str(folder)]) == 0
    shown = capsys.readouterr()
    assert "run 1 is not diagnosed" in shown.err
    assert "run 2: " in shown.out and "run 3: " in shown.out and "run 1:" not in shown.out
    assert run_cli(["diagnose", str(folder), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [r["run"] for r in report["runs"]] == [2, 3]
    assert report["not_diagnosed"][0].startswith("run 1 is not diagnosed")
    (folder / "history-2.json").unlink()
    (folder / "history-3.json").unlink()
    assert run_cli(["diagnose", str(folder)]) == 2
    assert "to diagnose (run 1 is not diagnosed" in capsys.readouterr().err


def test_a_run_whose_history_file_is_missing_keeps_the_numbers_of_the_others(tmp_path,
                                                                            capsys):
    # With history-1.json gone (a run stopped half-way), diagnose and the report called
    # history-2.json "run 1" and history-3.json "run 2": each verdict under another run.
    import json

    from seqlab.cli.app import run_cli

    folder = tmp_path / "runs"
    folder.mkdir()
    for k in (2, 3):
        records = [{"epoch": i, "loss": 1 / i, "val_loss": k / i} for i in range(1, 21)]
        (folder / f"history-{k}.json").write_text(json.dumps({"records": records}))
    assert run_cli(["diagnose", str(folder), "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)["runs"]
    assert [(r["run"], r["final_val_loss"]) for r in runs] == [(2, 2 / 20), (3, 3 / 20)]
    page = (write_report(folder)).read_text()
    assert re.search(r"<tr><td>2</td><td>20</td><td>20</td><td>0\.1</td>", page)
    assert "<tr><td>1</td>" not in page


def test_a_run_ended_or_left_open_is_an_earlier_run_to_the_next_recipe_there(tmp_path):
    # A RunDir finished without write_run_dir, or a recipe run from Python and not
    # recorded, stayed open: every later run in the folder took their figures for its own.
    from seqlab.plots import boxplot
    from seqlab.recipes import run
    from seqlab.runs import RunDir

    folder = tmp_path / "d"
    ended = RunDir(folder)
    ended.add_figure(boxplot({"a": [1.0]}), "custom")
    ended.finish()
    run("diagnose-repeats", quick=True, epochs=3, out=folder, echo=lambda line: None)
    left_open = {p.name for p in folder.glob("*.png")} - {"custom.png"}
    assert left_open
    result = run("diagnose-underfit", quick=True, epochs=3, out=folder, echo=lambda line: None)
    write_run_dir(folder, config={"recipe": "diagnose-underfit"}, metrics=result.to_json())
    figures = {p.name for p in folder.glob("*.png")}
    assert "custom.png" not in figures and not (left_open - {"learning_curves.png"}) & figures


def test_a_run_begun_by_another_process_is_an_earlier_run(tmp_path):
    import json

    from seqlab.plots import boxplot
    from seqlab.runs import RunDir

    RunDir(tmp_path / "d").add_figure(boxplot({"a": [1.0]}), "theirs")
    record = tmp_path / "d" / ".seqlab-files.json"
    record.write_text(json.dumps({**json.loads(record.read_text()), "owner": "123-456"}))
    write_run_dir(tmp_path / "d", config={"name": "mine"})
    assert not (tmp_path / "d" / "theirs.png").exists()


def test_a_users_own_records_beside_a_runs_files_are_refused_and_never_removed(
        tmp_path, capsys):
    # A recorded figure vouched for the whole folder: a project's own config.json beside it
    # was written over; write_run_dir removed a user's own history-1.json, recorded or not.
    from seqlab.recipes import run

    folder = tmp_path / "d"
    run("diagnose-repeats", quick=True, epochs=3, out=folder, echo=lambda line: None)
    (folder / "config.json").write_text('{"my": "project"}')
    assert _quick_run(folder) == 2
    assert "holds config.json, which a run would write over" in capsys.readouterr().err
    assert (folder / "config.json").read_text() == '{"my": "project"}'
    mine = tmp_path / "e"
    mine.mkdir()
    (mine / "history-1.json").write_text("mine")
    write_run_dir(mine, config={"name": "x"})
    assert (mine / "history-1.json").read_text() == "mine"


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory):
    """A folder a 3-repeat run wrote (copied by each test that damages it)."""
    folder = tmp_path_factory.mktemp("three") / "d"
    assert _quick_run(folder, "--repeats", "3") == 0
    return folder


@pytest.mark.parametrize("record", [None, "", "{", "null", "{}"])
def test_a_folder_without_a_readable_record_has_its_seqlab_records_replaced(
        tmp_path, capsys, three_runs, record):
    # Written before the record existed, or damaged since: the earlier run's histories
    # stayed beside the next run's (4 runs diagnosed for 1), and after `report` the next
    # run was refused for the folder's own config.json.
    from seqlab.cli.app import run_cli

    folder = tmp_path / "d"
    shutil.copytree(three_runs, folder)
    assert (folder / "history-3.json").is_file()
    if record is None:
        (folder / ".seqlab-files.json").unlink()
    else:
        (folder / ".seqlab-files.json").write_text(record)
    assert run_cli(["-q", "report", str(folder)]) == 0
    assert _quick_run(folder) == 0
    capsys.readouterr()
    assert not list(folder.glob("history-*.json")) and (folder / "history.json").is_file()
    assert not (folder / "report.html").exists()


def test_a_config_naming_another_command_is_the_users_and_an_old_runs_figures_go(
        tmp_path, capsys):
    # {"command": "make"} was taken for seqlab's, and the user's history-2.csv beside it
    # was removed; an old run's learning_curves_seed2.png stayed when its record was lost.

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "config.json").write_text('{"command": "make", "jobs": 4}')
    (mine / "history-2.csv").write_text("mine")
    assert _quick_run(mine) == 2
    assert "holds config.json, history-2.csv" in capsys.readouterr().err
    assert (mine / "history-2.csv").read_text() == "mine"
    old = tmp_path / "old"
    assert _quick_run(old, "--repeats", "3") == 0
    (old / ".seqlab-files.json").unlink()
    assert _quick_run(old) == 0
    capsys.readouterr()
    assert sorted(p.name for p in old.glob("learning_curves*.png")) == [
        "learning_curves.png", "learning_curves_seed0.png"]


def test_a_legacy_run_folder_keeps_files_seqlab_never_names_so(tmp_path, capsys):
    # History.csv and learning_curves_for_paper.png of the user's were taken for the old
    # run's records and removed, where seqlab writes lower-case names of its own pattern.

    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "config.json").write_text('{"command": "run"}')
    (folder / "learning_curves_for_paper.png").write_text("mine")
    (folder / "learning_curves_seed3.png").write_text("the old run's")
    assert _quick_run(folder) == 0
    assert (folder / "learning_curves_for_paper.png").read_text() == "mine"
    assert not (folder / "learning_curves_seed3.png").exists()
    (folder / ".seqlab-files.json").unlink()
    (folder / "History.csv").write_text("mine")
    assert _quick_run(folder) == 2
    assert "holds History.csv" in capsys.readouterr().err
    assert (folder / "History.csv").read_text() == "mine"



def test_a_history_json_deleted_beside_its_csv_is_read_from_the_csv(tmp_path):
    # diagnose and report said the folder held no history though history-2.csv held it.
    folder = tmp_path / "run"
    write_run_dir(folder, config={"name": "two"},
                  histories=[_history(20), _history(20, shift=0.05)])
    (folder / "history-2.json").unlink()
    record = read_run_dir(folder)
    assert record.runs == [1, 2]
    assert record.histories[1].records == _history(20, shift=0.05).records
    assert record.problems == ["history-2.json is missing; its run was read from "
                               "history-2.csv."]
    assert [i for i, _ in record.diagnoses()[0]] == [1, 2]
    assert "history-2.json is missing" in write_report(folder).read_text()
    (folder / "history-1.json").unlink()  # only CSVs left: still a run directory
    (folder / "config.json").unlink()
    assert len(read_run_dir(folder).histories) == 2


def test_a_history_csv_keeps_types_and_gaps_and_a_torn_one_names_the_file(tmp_path):
    records = [{"epoch": 1, "loss": 0.5, "note": "warm-up"},
               {"epoch": 2, "loss": float("inf"), "val_loss": 0.25}]
    History(records).save_csv(tmp_path / "h.csv")
    assert History.load_csv(tmp_path / "h.csv").records == records
    (tmp_path / "torn.csv").write_text("epoch,loss\n1,0.5\n2\n")
    with pytest.raises(ValidationError, match=r"torn.csv has 1 value\(s\) in row 3 but 2 "
                                              r"metric names"):
        History.load_csv(tmp_path / "torn.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ValidationError, match=r"empty.csv must start with a header row"):
        History.load_csv(tmp_path / "empty.csv")
