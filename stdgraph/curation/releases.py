"""Releases: a versioned, dated dump of the graph and a changelog of curated records against the last release.

`make_release` writes `{releases}/{version}/`:
- `stdgraph-{version}.nq.gz`: every graph of the store, N-Quads (the public graph and the history included);
- `mappings.sssom.tsv`: the published mappings as SSSOM;
- `changelog.md` and `release.json`: records added, changed and withdrawn since the previous release, and a
  digest of every published record, which the next release compares against.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from stdgraph.curation import sssom
from stdgraph.curation.model import digest
from stdgraph.curation.workflow import Curator
from stdgraph.store import OxigraphStore

_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")


class ReleaseError(ValueError):
    pass


@dataclass
class Release:
    version: str
    path: Path
    manifest: dict[str, Any]


def list_releases(root: Path) -> list[dict[str, Any]]:
    """Every release's manifest (without the per-record digests), newest first."""
    found = []
    for manifest in Path(root).glob("*/release.json"):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        data.pop("records", None)
        found.append(data)
    return sorted(found, key=lambda m: (m["created"], m["version"]), reverse=True)


def _previous(root: Path) -> dict[str, Any] | None:
    manifests = [json.loads(p.read_text(encoding="utf-8")) for p in Path(root).glob("*/release.json")]
    return max(manifests, key=lambda m: (m["created"], m["version"])) if manifests else None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def make_release(
    store: OxigraphStore, root: Path, version: str | None = None, today: date | None = None
) -> Release:
    """Write a release of the store; refuse a version that exists (releases are never overwritten)."""
    today = today or datetime.now(UTC).date()
    root = Path(root)
    if version is None:
        version = today.strftime("%Y.%m.%d")
        n = 1
        while (root / version).exists():
            n += 1
            version = f"{today.strftime('%Y.%m.%d')}.{n}"
    if not _VERSION.match(version):
        raise ReleaseError(f"{version!r} is not a release version: use letters, digits, '.', '-' or '_'")
    target = root / version
    if target.exists():
        raise ReleaseError(f"release {version} exists at {target}; releases are never overwritten")
    previous = _previous(root)
    curator = Curator(store) if not store.read_only else None
    records = curator.published() if curator else []
    digests = {r.id: {"kind": r.kind, "digest": digest(r.triples)} for r in records}
    before: dict[str, dict[str, str]] = previous["records"] if previous else {}
    added = sorted(set(digests) - set(before))
    changed = sorted(k for k in set(digests) & set(before) if digests[k]["digest"] != before[k]["digest"])
    withdrawn = sorted(set(before) - set(digests))
    staging = root / f".{version}.partial"
    staging.mkdir(parents=True, exist_ok=True)
    dump = staging / f"stdgraph-{version}.nq.gz"
    with gzip.open(dump, "wb") as out:
        store.export(out, "nquads")
    labels = curator.labels(n for r in records for t in r.triples for n in (t[2],)) if curator else {}
    meta = {"mapping_set_version": version, "mapping_date": today.isoformat()}
    (staging / "mappings.sssom.tsv").write_text(sssom.write_tsv(records, labels, meta), encoding="utf-8")
    manifest: dict[str, Any] = {
        "version": version,
        "date": today.isoformat(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "previous": previous["version"] if previous else None,
        "triples": len(store),
        "published_records": len(records),
        "added": added,
        "changed": changed,
        "withdrawn": withdrawn,
        "files": {},
        "records": digests,
    }
    lines = [f"# stdgraph {version} ({today.isoformat()})", ""]
    lines.append(f"Compared with {previous['version']}." if previous else "First release.")
    for title, ids in (("Added", added), ("Changed", changed), ("Withdrawn", withdrawn)):
        lines += ["", f"## {title} ({len(ids)})", ""]
        lines += [f"- {i}" for i in ids] or ["(none)"]
    (staging / "changelog.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for path in sorted(staging.iterdir()):
        manifest["files"][path.name] = {"bytes": path.stat().st_size, "sha256": _sha256(path)}
    (staging / "release.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    staging.rename(target)  # a release appears whole or not at all
    return Release(version, target, manifest)
