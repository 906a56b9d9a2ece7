"""Curation: standards bodies propose, review, publish and withdraw mappings and adoptions.

- `model`: records (a mapping or an adoption) as RDF, their ids, the graphs they live in.
- `rows`: one input row (SSSOM, CSV, JSON or Turtle) to a record, with errors naming the line and field.
- `sssom`: SSSOM TSV read and write, with the metadata block.
- `workflow`: the `Curator`, which validates a change set with its one-hop context and commits it in one
  Oxigraph update under a lock; lifecycle and PROV-O history.
- `auth`: API tokens with roles, stored hashed.
- `releases`: versioned, dated dumps and changelogs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def curation_dir(store_path: Path | None) -> Path:
    """Tokens and releases: `STDGRAPH_CURATION_DIR`, else `curation/` beside the store folder."""
    env = os.environ.get("STDGRAPH_CURATION_DIR")
    if env:
        return Path(env)
    base = Path(store_path).resolve().parent if store_path else Path.cwd() / "var"
    return base / "curation"


@dataclass
class CurationPaths:
    root: Path

    @property
    def tokens(self) -> Path:
        return self.root / "tokens.json"

    @property
    def releases(self) -> Path:
        return self.root / "releases"
