#!/usr/bin/env bash
# Set up seqlab in a virtual environment inside the project folder (.venv, git-ignored).
# Repeatable: re-running it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
# torch first, pinned: a bare `torch` requirement would pull a multi-GB CUDA build,
# while 2.13.0 resolves to a small CPU build here. pyproject accepts any torch>=2.4.
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
# Headless Chromium for the HTML report's browser test (tests/plots/test_report_browser.py):
# installed quietly from the system's packages when missing and apt-get is available.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
    $SUDO apt-get update -qq >/dev/null \
        && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null \
        || echo "bootstrap: could not install chromium; the HTML report browser test will fail" >&2
fi
