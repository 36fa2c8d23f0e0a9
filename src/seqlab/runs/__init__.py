"""Runs: every training run's config, history, metrics and figures as a folder of plain
files, and one self-contained HTML page of it.

`RunDir` writes a run directory (`write_run_dir` in one call), `read_run_dir` reads it
back, `write_report` turns it into ``report.html``. This package sits above `evaluate`
(diagnosis) and `plots` (figures), which it uses; neither of them knows it.
"""

from seqlab.runs._directory import (
    RunDir,
    RunRecord,
    begin_run,
    check_run_folder,
    clear_run_folder,
    end_run,
    read_run_dir,
    record_file,
    write_run_dir,
)
from seqlab.runs._report import write_report

__all__ = ["RunDir", "RunRecord", "write_run_dir", "read_run_dir", "write_report",
           "check_run_folder", "clear_run_folder", "record_file", "begin_run",
           "end_run"]
