"""SSSOM TSV: the metadata block (`#`-prefixed YAML: curie_map, mapping_set_id, license, ...) and the table.

Reading keeps every row or refuses it with its line in the file and the reason. Writing emits every
triple of a mapping record in an SSSOM column, so reading the export back gives the same records
(`tests/test_curation_sssom.py`); `evidence_level` is declared in `extension_definitions` as SSSOM 1.0
asks for non-standard slots.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

import yaml
from rdflib import URIRef
from rdflib.term import Node

from stdgraph.curation.model import Record
from stdgraph.curation.rows import (
    DEFAULT_CURIE_MAP,
    MAPPING_COLUMNS,
    MULTI,
    Batch,
    UploadError,
    _check_columns,
    _unknown_columns,
    rows_to_batch,
)
from stdgraph.namespaces import DCTERMS, PROV, RDFS, SG

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
MAPPING_SET_ID = "https://w3id.org/stdgraph/mappings.sssom.tsv"
EXTENSIONS = [
    {
        "slot_name": "evidence_level",
        "property": "sg:evidenceLevel",
        "type_hint": "http://www.w3.org/2001/XMLSchema#string",
    },
    {
        "slot_name": "derived_from",
        "property": "prov:wasDerivedFrom",
        "type_hint": "http://www.w3.org/2001/XMLSchema#anyURI",
    },
]


def read_tsv(text: str, proposer: str) -> Batch:
    """An SSSOM TSV file (embedded metadata block) as a batch of records and row errors."""
    lines = text.splitlines(keepends=True)
    header_lines = 0
    while header_lines < len(lines) and lines[header_lines].startswith("#"):
        header_lines += 1
    block = "".join(line[1:] for line in lines[:header_lines])
    try:
        metadata = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise UploadError(
            f"the metadata block (lines starting with #) is not valid YAML: {exc}", line
        ) from None
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise UploadError(
            "the metadata block must be YAML keys and values (curie_map, mapping_set_id, ...)", 1
        )
    curie_map = metadata.get("curie_map") or {}
    if not isinstance(curie_map, dict):
        raise UploadError("curie_map must map prefixes to IRIs", 1)
    table = lines[header_lines:]
    if not table or not table[0].strip():
        raise UploadError(
            "no table after the metadata block: the first line must name the columns", header_lines + 1
        )
    reader = csv.reader(io.StringIO("".join(table), newline=""), delimiter="\t", quoting=csv.QUOTE_MINIMAL)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise UploadError(f"the header is not TSV: {exc}", header_lines + 1) from None
    if len(header) < 2:
        raise UploadError(
            "the header has fewer than two tab-separated columns: is this a TSV file (tabs, not commas)?",
            header_lines + 1,
        )
    _check_columns(header)
    rows = []
    try:
        for record in reader:
            line = header_lines + reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                raise UploadError(
                    f"has {len(record)} cells where the header names {len(header)} columns", line
                )
            rows.append((line, dict(zip(header, record, strict=True))))
    except csv.Error as exc:
        raise UploadError(f"is not valid TSV: {exc}", header_lines + reader.line_num) from None
    batch = rows_to_batch(rows, proposer, {str(k): str(v) for k, v in curie_map.items()}, metadata)
    batch.warnings += _unknown_columns(header)
    return batch


def _curie(term: Node, curie_map: Mapping[str, str]) -> str:
    text = str(term)
    best = None
    for prefix, namespace in curie_map.items():
        if text.startswith(namespace) and len(text) > len(namespace):
            candidate = f"{prefix}:{text[len(namespace) :]}"
            if best is None or len(candidate) < len(best):
                best = candidate
    return best or text


def record_row(record: Record, labels: Mapping[Node, str], curie_map: Mapping[str, str]) -> dict[str, str]:
    """The SSSOM row of a mapping record (every triple in a column)."""
    iri = record.iri
    by: dict[Node, list[Node]] = {}
    for s, p, o in record.triples:
        if s == iri:
            by.setdefault(p, []).append(o)

    def one(p) -> Node | None:
        items = by.get(p) or []
        return items[0] if items else None

    def many(p, as_curie: bool = True) -> str:
        items = sorted(by.get(p) or [], key=str)
        return MULTI.join(
            _curie(i, curie_map) if as_curie and isinstance(i, URIRef) else str(i) for i in items
        )

    subject, obj = one(SG.mappingSubject), one(SG.mappingObject)
    negated = one(SG.negated)
    evidence = one(SG.evidenceLevel)
    derived = one(PROV.wasDerivedFrom)
    return {
        "record_id": _curie(iri, curie_map),
        "subject_id": _curie(subject, curie_map) if subject is not None else "",
        "subject_label": labels.get(subject, "") if subject is not None else "",
        "predicate_id": _curie(one(SG.mappingPredicate) or "", curie_map),
        "predicate_modifier": "Not" if negated is not None and str(negated).lower() == "true" else "",
        "object_id": _curie(obj, curie_map) if obj is not None else "",
        "object_label": labels.get(obj, "") if obj is not None else "",
        "mapping_justification": _curie(one(SG.mappingJustification) or "", curie_map),
        "author_id": many(DCTERMS.creator),
        "reviewer_id": many(SG.reviewer),
        "mapping_date": str(one(DCTERMS.date) or ""),
        "confidence": str(one(SG.mappingConfidence) or ""),
        "see_also": many(DCTERMS.source, as_curie=False),
        "evidence_level": {"primary": "V", "secondary": "V*"}.get(str(evidence).rsplit("/", 1)[-1], "")
        if evidence is not None
        else "",
        "comment": str(one(RDFS.comment) or ""),
        "derived_from": _curie(derived, curie_map) if derived is not None else "",
    }


def write_tsv(
    records: Iterable[Record],
    labels: Mapping[Node, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> str:
    """SSSOM TSV of mapping records, with the metadata block; adoptions are not SSSOM rows and are skipped."""
    curie_map = dict(DEFAULT_CURIE_MAP)
    meta: dict[str, Any] = {
        "curie_map": curie_map,
        "mapping_set_id": MAPPING_SET_ID,
        "license": LICENSE,
        "extension_definitions": EXTENSIONS,
    }
    meta.update(metadata or {})
    rows = [record_row(r, labels or {}, curie_map) for r in records if r.kind == "mapping"]
    rows.sort(key=lambda r: r["record_id"])
    out = io.StringIO()
    for line in yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).splitlines():
        out.write(f"#{line}\n")
    writer = csv.DictWriter(out, fieldnames=list(MAPPING_COLUMNS), delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


__all__ = ["LICENSE", "MAPPING_SET_ID", "read_tsv", "record_row", "write_tsv"]
