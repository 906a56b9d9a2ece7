"""Where stdgraph finds its files and keeps its store.

Settings come from command-line options first, then environment variables, then defaults, so the same
code runs on a laptop, in CI and behind a server without a configuration file.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = REPO_ROOT / "ontology"
SHAPES_DIR = REPO_ROOT / "shapes"
QUERIES_DIR = REPO_ROOT / "queries"
CURATED_DIR = REPO_ROOT / "data" / "curated"


def shared_data_dir() -> Path:
    """The folder of public source files (`STDGRAPH_SHARED_DATA`, else `../shared/data`)."""
    env = os.environ.get("STDGRAPH_SHARED_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


def store_path(option: str | Path | None = None) -> Path:
    """The on-disk store: `--store`, else `STDGRAPH_STORE`, else `./var/store` under the working dir."""
    if option:
        return Path(option)
    env = os.environ.get("STDGRAPH_STORE")
    return Path(env) if env else Path.cwd() / "var" / "store"
