"""How well `stdgraph.identifiers` reads the ISO and IEC catalogues: the round-trip report.

Every ``reference`` of the ISO (Relaton) deliverables and the IEC (Relaton) publications, and every
``obsoletes`` / ``updated_by`` target of the ISO file, is parsed. A reference round-trips when its canonical
spelling is the catalogue's own; otherwise it is a *normalised variant* (e.g. ``/DAM 1`` -> ``/DAmd 1``).
Two distinct documents must never share an edition slug; one document spelled in two catalogue styles
(``/Amd 1:1994`` and ``/AMD1:1994``) shares it by design and is counted as a style pair.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from pathlib import Path
from typing import Any

from stdgraph.identifiers import IdentifierError, StandardRef, parse

ISO_CSV = Path("iso-catalogue-relaton/iso_deliverables.csv")
IEC_CSV = Path("iec-catalogue-relaton/iec_publications.csv")
EXAMPLES = 10


def shared_data_dir(repo: Path | None = None) -> Path:
    """``$STDGRAPH_SHARED_DATA``, else ``<repo>/../shared/data``."""
    env = os.environ.get("STDGRAPH_SHARED_DATA")
    if env:
        return Path(env)
    repo = repo or Path(__file__).resolve().parents[1]
    return repo.parent / "shared" / "data"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _tally(refs: list[str]) -> tuple[dict[str, Any], dict[str, StandardRef]]:
    """Parse distinct texts; count round trips, variants and failures (rows counted, examples distinct)."""
    counts = Counter(refs)
    parsed: dict[str, StandardRef] = {}
    variants: dict[str, str] = {}
    unparsed: dict[str, str] = {}
    for text in counts:
        try:
            parsed[text] = parse(text)
        except IdentifierError as error:
            unparsed[text] = str(error)
            continue
        if parsed[text].canonical != text:
            variants[text] = parsed[text].canonical
    summary = {
        "total": len(refs),
        "distinct": len(counts),
        "parsed": sum(n for t, n in counts.items() if t in parsed),
        "round_trip_equal": sum(n for t, n in counts.items() if t in parsed and t not in variants),
        "normalised_variants": sum(counts[t] for t in variants),
        "variant_examples": dict(list(variants.items())[:EXAMPLES]),
        "variant_kinds": dict(Counter(_variant_kind(t, c) for t, c in variants.items()).most_common()),
        "unparsed": sum(counts[t] for t in unparsed),
        "unparsed_examples": dict(list(unparsed.items())[:EXAMPLES]),
    }
    return summary, parsed


def _variant_kind(text: str, canonical: str) -> str:
    if "/DAM " in text or "/FDAM " in text:
        return "DAM/FDAM -> DAmd/FDAmd"
    if text.upper() == canonical.upper():
        return "letter case"
    return "other"


def catalogue_report(shared_data: Path | str | None = None) -> dict[str, Any]:
    """Round-trip counts for the two catalogues: per column, plus edition-slug collisions across all."""
    root = Path(shared_data) if shared_data else shared_data_dir()
    iso_rows = _read(root / ISO_CSV)
    iec_rows = _read(root / IEC_CSV)
    columns = {
        "iso.reference": [r["reference"] for r in iso_rows],
        "iso.targets": [
            t for r in iso_rows for c in ("obsoletes", "updated_by") for t in r[c].split(";") if t
        ],
        "iec.reference": [r["reference"] for r in iec_rows],
    }
    report: dict[str, Any] = {}
    every: dict[str, StandardRef] = {}
    for name, refs in columns.items():
        report[name], parsed = _tally(refs)
        every.update(parsed)

    by_slug: dict[str, set[StandardRef]] = {}
    spellings: dict[StandardRef, set[str]] = {}
    for ref in every.values():
        by_slug.setdefault(ref.edition_slug, set()).add(ref)
        spellings.setdefault(ref, set()).add(ref.canonical)
    collisions = {slug: sorted(r.canonical for r in refs) for slug, refs in by_slug.items() if len(refs) > 1}
    styled = {ref: names for ref, names in spellings.items() if len(names) > 1}
    iso_refs = {every[t] for t in columns["iso.reference"] if t in every}
    targets = {every[t] for t in columns["iso.targets"] if t in every}
    report["slugs"] = {
        "distinct_documents": len(spellings),
        "distinct_slugs": len(by_slug),
        "collisions": len(collisions),
        "collision_examples": dict(list(collisions.items())[:EXAMPLES]),
        "style_pairs": len(styled),
        "style_pair_examples": [sorted(v) for v in list(styled.values())[:EXAMPLES]],
    }
    unresolved = sorted(r.canonical for r in targets - iso_refs)
    exact = set(columns["iso.reference"])
    target_rows = columns["iso.targets"]
    report["iso.targets"]["unresolved_rows_by_exact_text"] = sum(t not in exact for t in target_rows)
    report["iso.targets"]["unresolved_rows"] = sum(every.get(t) not in iso_refs for t in target_rows)
    report["iso.targets"]["unresolved"] = len(unresolved)
    report["iso.targets"]["unresolved_examples"] = unresolved[:EXAMPLES]
    return report


if __name__ == "__main__":  # pragma: no cover - a quick look: python -m stdgraph.identifier_report
    import json

    print(json.dumps(catalogue_report(), indent=2, ensure_ascii=False))
