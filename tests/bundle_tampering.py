"""A tool of the bundle-safety tests: tamper with a bundle the way an attacker would."""

import hashlib
import json
from pathlib import Path


def rehash(folder: Path) -> None:
    """Make the manifest agree with the files again, so the checks behind the checksums
    are the ones a tampered file meets."""
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["files"].values():
        file = folder / entry["name"]
        if file.is_file():
            entry["sha256"] = hashlib.sha256(file.read_bytes()).hexdigest()
            entry["bytes"] = file.stat().st_size
    (folder / "manifest.json").write_text(json.dumps(manifest))
