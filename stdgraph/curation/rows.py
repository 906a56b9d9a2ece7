"""Uploads to records: SSSOM TSV, CSV, JSON or Turtle in; records out, or errors naming line and field.

A row becomes a record here only as far as its cells can be read (a CURIE with a known prefix, a number,
a date); whether the record is right (the subject is an edition the graph knows, the relation is a SKOS
mapping relation, the confidence is between 0 and 1) is for the shapes, checked by the workflow with the
facts the record touches. Either way the error names the line of the file and the column.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef

from stdgraph import identifiers
from stdgraph.curation.model import MAPPING_PREFIX, Record, agent_iri, kind_of, mapping_iri
from stdgraph.namespaces import DCTERMS, OWL, PROV, RDF, RDFS, SEMAPV, SG, SGID, SKOS, XSD, entity
from stdgraph.terms import CellError, date_literal, evidence_level, source_terms
from stdgraph.vocabulary import controlled

DEFAULT_CURIE_MAP: dict[str, str] = {
    "sgid": str(SGID),
    "sg": str(SG),
    "skos": str(SKOS),
    "semapv": str(SEMAPV),
    "orcid": "https://orcid.org/",
    "owl": str(OWL),
    "rdfs": str(RDFS),
    "prov": str(PROV),
}
MULTI = "|"
MAPPING_COLUMNS = (
    "record_id",
    "subject_id",
    "subject_label",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "mapping_justification",
    "author_id",
    "reviewer_id",
    "mapping_date",
    "confidence",
    "see_also",
    "evidence_level",
    "comment",
    "derived_from",
)
ADOPTION_COLUMNS = ("adopting", "adopted", "degree", "note", "source", "confidence")
# The column a curator wrote, for each property a shape may complain about.
FIELD_OF = {
    str(SG.mappingSubject): "subject_id",
    str(SG.mappingObject): "object_id",
    str(SG.mappingPredicate): "predicate_id",
    str(SG.negated): "predicate_modifier",
    str(SG.mappingJustification): "mapping_justification",
    str(DCTERMS.date): "mapping_date",
    str(SG.mappingConfidence): "confidence",
    str(DCTERMS.identifier): "record_id",
    str(DCTERMS.creator): "author_id",
    str(SG.reviewer): "reviewer_id",
    str(SG.lifecycleStatus): "status",
    str(DCTERMS.source): "see_also",
    str(SG.evidenceLevel): "evidence_level",
}
ADOPTION_FIELD_OF = {
    str(SG.adoptingEdition): "adopting",
    str(SG.adoptedEdition): "adopted",
    str(SG.adoptionDegree): "degree",
    str(RDFS.comment): "note",
    str(DCTERMS.source): "source",
    str(SG.evidenceLevel): "confidence",
}
_CURIE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*):(\S*)$")


class UploadError(ValueError):
    """An upload that cannot be read at all (encoding, syntax, size); `line` where known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.line = line


@dataclass
class RowError:
    line: int | None
    field: str | None
    message: str
    record: str | None = None

    def text(self) -> str:
        where = f"line {self.line}" if self.line is not None else (self.record or "the batch")
        return f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"text": self.text()}


@dataclass
class Batch:
    """What an upload holds: records, the errors of rows that could not become records, and metadata."""

    records: list[Record] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def decode(data: bytes) -> str:
    """UTF-8 text (a BOM is dropped); anything else is refused with the offending byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}); "
            "save it as UTF-8 and upload again"
        ) from None


def expand(value: str, curie_map: Mapping[str, str], column: str) -> URIRef:
    """A CURIE of the file's curie_map (or an IRI) as an IRI; an unknown prefix is a cell error."""
    text = value.strip()
    if text.startswith(("http://", "https://", "urn:")):
        return URIRef(text)
    match = _CURIE.match(text)
    if not match:
        raise CellError(f"{text!r} is not a CURIE (prefix:local) or an IRI")
    prefix, rest = match.groups()
    if prefix not in curie_map:
        raise CellError(f"the prefix {prefix!r} of {text!r} is not in the file's curie_map")
    return URIRef(curie_map[prefix] + rest)


def standard_node(value: str, curie_map: Mapping[str, str], column: str) -> URIRef:
    """A standard or edition: a CURIE/IRI, or a reference as people write it ('ISO 14067:2018')."""
    text = value.strip()
    if not text:
        raise CellError("is empty: give the standard or edition, e.g. 'ISO 14067:2018' or sgid:edition/...")
    match = _CURIE.match(text)
    if text.startswith(("http://", "https://")) or (match and match.group(1) in curie_map):
        return expand(text, curie_map, column)
    try:
        ref = identifiers.parse(text)
    except identifiers.IdentifierError as exc:
        raise CellError(
            f"{text!r} is neither a CURIE of the curie_map nor a standard reference ({exc})"
        ) from None
    return URIRef(ref.edition_iri if ref.is_edition else ref.standard_iri)


def values(cell: str | None) -> list[str]:
    if cell is None:
        return []
    return [v.strip() for v in str(cell).split(MULTI) if v.strip()]


def mapping_record(
    row: Mapping[str, str], line: int | None, curie_map: Mapping[str, str], proposer: str
) -> Record | list[RowError]:
    """One SSSOM row (TSV, CSV or JSON) as a mapping record, or the errors of its cells."""
    errors: list[RowError] = []
    terms: dict[str, Any] = {}

    def cell(column: str, convert):
        raw = row.get(column)
        if raw is None or str(raw).strip() == "":
            return None
        try:
            return convert(str(raw))
        except CellError as exc:
            errors.append(RowError(line, column, str(exc)))
            return None

    subject = cell("subject_id", lambda v: standard_node(v, curie_map, "subject_id"))
    obj = cell("object_id", lambda v: standard_node(v, curie_map, "object_id"))
    predicate = cell("predicate_id", lambda v: expand(v, curie_map, "predicate_id"))
    for column, term in (("subject_id", subject), ("object_id", obj), ("predicate_id", predicate)):
        if term is None and not any(e.field == column for e in errors):
            errors.append(RowError(line, column, "is required and empty"))
    modifier = str(row.get("predicate_modifier") or "").strip()
    if modifier not in ("", "Not"):
        errors.append(
            RowError(line, "predicate_modifier", f"{modifier!r} is not allowed: write Not or leave it empty")
        )
    negated = modifier == "Not"
    terms["justification"] = cell(
        "mapping_justification", lambda v: expand(v, curie_map, "mapping_justification")
    )
    terms["creators"] = cell("author_id", lambda v: [expand(x, curie_map, "author_id") for x in values(v)])
    terms["reviewers"] = cell(
        "reviewer_id", lambda v: [expand(x, curie_map, "reviewer_id") for x in values(v)]
    )
    terms["date"] = cell("mapping_date", date_literal)
    terms["confidence"] = cell("confidence", _decimal)
    terms["sources"] = cell("see_also", lambda v: [t for x in values(v) for t in source_terms(x)])
    terms["evidence"] = cell("evidence_level", _evidence)
    given = cell("record_id", lambda v: expand(v, curie_map, "record_id"))
    derived = cell("derived_from", lambda v: expand(v, curie_map, "derived_from"))
    if given is not None and not str(given).startswith(MAPPING_PREFIX):
        derived = derived or given  # another project's record id: kept as where this mapping came from
        given = None
    if errors or subject is None or obj is None or predicate is None:
        return errors
    iri = mapping_iri(subject, predicate, obj, negated)
    if given is not None and given != iri:
        return [
            RowError(
                line,
                "record_id",
                f"{row.get('record_id')} does not match the row's subject, relation and object "
                f"(their id is {iri.rsplit('/', 1)[-1]}): a stdgraph mapping id is derived from them",
            )
        ]
    triples = [
        (iri, RDF.type, SG.Mapping),
        (iri, DCTERMS.identifier, Literal(iri.rsplit("/", 1)[-1])),
        (iri, SG.mappingSubject, subject),
        (iri, SG.mappingObject, obj),
        (iri, SG.mappingPredicate, predicate),
        (iri, SG.negated, Literal(negated)),
    ]
    if terms["justification"] is not None:
        triples.append((iri, SG.mappingJustification, terms["justification"]))
    for creator in terms["creators"] or [agent_iri(proposer)]:
        triples.append((iri, DCTERMS.creator, creator))
    for reviewer in terms["reviewers"] or []:
        triples.append((iri, SG.reviewer, reviewer))
    if terms["date"] is not None:
        triples.append((iri, DCTERMS.date, terms["date"]))
    if terms["confidence"] is not None:
        triples.append((iri, SG.mappingConfidence, terms["confidence"]))
    for source in terms["sources"] or []:
        triples.append((iri, DCTERMS.source, source))
    if terms["evidence"] is not None:
        triples.append((iri, SG.evidenceLevel, terms["evidence"]))
    if comment := str(row.get("comment") or "").strip():
        triples.append((iri, RDFS.comment, Literal(comment)))
    if derived is not None:
        triples.append((iri, PROV.wasDerivedFrom, derived))
    label = (
        f"{row.get('subject_id')} {'NOT ' if negated else ''}{row.get('predicate_id')} {row.get('object_id')}"
    )
    return Record(iri, "mapping", triples, line=line, label=label)


def _decimal(text: str) -> Literal:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        raise CellError(f"{text!r} is not a number: write a decimal between 0 and 1, e.g. 0.95") from None
    if not number.is_finite():
        raise CellError(f"{text!r} is not a number between 0 and 1")
    return Literal(str(number), datatype=XSD.decimal)


def _evidence(text: str) -> URIRef:
    value = text.strip()
    if value in ("primary", "secondary"):
        value = "V" if value == "primary" else "V*"
    return evidence_level(value)


def adoption_record(row: Mapping[str, str], line: int | None) -> Record | list[RowError]:
    """One adoption row (the columns of data/curated/adoptions.csv), read as the curated source reads it.

    The adoption IRI and triples are the same as the curated source's, so a proposal about an adoption
    the graph already has is the same node.
    """
    errors: list[RowError] = []
    refs = {}
    for column in ("adopting", "adopted"):
        raw = str(row.get(column) or "").strip()
        try:
            ref = identifiers.parse(raw) if raw else None
        except identifiers.IdentifierError as exc:
            errors.append(RowError(line, column, str(exc)))
            continue
        if ref is None:
            errors.append(RowError(line, column, "is required and empty"))
        elif not ref.is_edition:
            errors.append(RowError(line, column, f"{raw!r} names a standard, not an edition: add its year"))
        else:
            refs[column] = ref
    degree = None
    try:
        degree = controlled("adoption-degree", str(row.get("degree") or "").strip(), "adoption degree")
    except (CellError, ValueError) as exc:
        errors.append(RowError(line, "degree", str(exc)))
    sources, evidence = [], None
    try:
        sources = source_terms(str(row.get("source") or ""))
    except CellError as exc:
        errors.append(RowError(line, "source", str(exc)))
    try:
        evidence = evidence_level(str(row.get("confidence") or ""))
    except CellError as exc:
        errors.append(RowError(line, "confidence", str(exc)))
    if errors:
        return errors
    adopting, adopted = refs["adopting"], refs["adopted"]
    node = URIRef(entity("adoption", f"{adopting.canonical} -- {adopted.canonical}"))
    a, b = URIRef(adopting.edition_iri), URIRef(adopted.edition_iri)
    triples = [
        (node, RDF.type, SG.Adoption),
        (node, SG.adoptingEdition, a),
        (node, SG.adoptedEdition, b),
        (node, SG.adoptionDegree, degree),
        *((node, DCTERMS.source, s) for s in sources),
        (node, SG.evidenceLevel, evidence),
        (a, SG.adopts, b),
    ]
    if note := str(row.get("note") or "").strip():
        triples.append((node, RDFS.comment, Literal(note, lang="en")))
    return Record(
        node, "adoption", triples, line=line, label=f"{adopting.canonical} adopts {adopted.canonical}"
    )


def rows_to_batch(
    rows: Iterable[tuple[int | None, Mapping[str, str]]],
    proposer: str,
    curie_map: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Batch:
    """Records of rows; a row that is neither a mapping nor an adoption row is refused with its line."""
    batch = Batch(metadata=dict(metadata or {}))
    cmap = {**DEFAULT_CURIE_MAP, **(curie_map or {})}
    defaults = {k: v for k, v in (metadata or {}).items() if k in MAPPING_COLUMNS and isinstance(v, str)}
    for line, row in rows:
        if not isinstance(row, Mapping):
            batch.errors.append(RowError(line, None, "is not an object with named fields"))
            continue
        if "adopting" in row or "adopted" in row:
            result = adoption_record(row, line)
        else:
            filled = {**defaults, **{k: v for k, v in row.items() if v not in (None, "")}}
            result = mapping_record(filled, line, cmap, proposer)
        if isinstance(result, Record):
            batch.records.append(result)
        else:
            batch.errors.extend(result)
    return batch


def read_csv(text: str, proposer: str) -> Batch:
    """A CSV of SSSOM columns, or of the adoption columns of data/curated/adoptions.csv."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise UploadError("the CSV file is empty: the first line must name the columns")
    _check_columns(reader.fieldnames)
    rows = []
    for row in reader:
        if None in row:
            raise UploadError(
                f"has more cells than the header has columns ({len(reader.fieldnames)})", reader.line_num
            )
        rows.append((reader.line_num, row))
    batch = rows_to_batch(rows, proposer)
    batch.warnings += _unknown_columns(reader.fieldnames)
    return batch


def _check_columns(names: list[str]) -> None:
    if "adopting" in names or "adopted" in names:
        missing = [c for c in ("adopting", "adopted", "degree", "source", "confidence") if c not in names]
    else:
        missing = [c for c in ("subject_id", "predicate_id", "object_id") if c not in names]
    if missing:
        raise UploadError(
            f"the header has no column {', '.join(missing)}: a mapping needs subject_id, predicate_id and "
            "object_id (SSSOM); an adoption needs adopting, adopted, degree, source and confidence",
            1,
        )


def _unknown_columns(names: Iterable[str]) -> list[str]:
    known = set(MAPPING_COLUMNS) | set(ADOPTION_COLUMNS)
    unknown = [n for n in names if n and n not in known]
    return [f"column {n!r} is not stored by stdgraph and was ignored" for n in unknown]


def read_json(text: str, proposer: str) -> Batch:
    """`{"mappings": [...], "adoptions": [...], "curie_map": {...}}` or a plain list of row objects."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UploadError(f"not valid JSON: {exc.msg}", exc.lineno) from None
    if isinstance(document, list):
        document = {"mappings": document}
    if not isinstance(document, dict):
        raise UploadError("the JSON must be an object with 'mappings' and/or 'adoptions', or a list of rows")
    rows = []
    for key in ("mappings", "adoptions"):
        items = document.get(key, [])
        if not isinstance(items, list):
            raise UploadError(f"'{key}' must be a list of objects")
        rows += [(i + 1, item) for i, item in enumerate(items)]
    if not rows:
        raise UploadError("the JSON holds no rows: give 'mappings' or 'adoptions'")
    curie_map = document.get("curie_map") or {}
    if not isinstance(curie_map, dict):
        raise UploadError("'curie_map' must map prefixes to IRIs")
    batch = rows_to_batch(rows, proposer, curie_map)
    for error in batch.errors:  # JSON has no lines: name the item instead
        error.record = f"item {error.line}"
    return batch


def read_turtle(text: str, proposer: str) -> Batch:
    """Records written as RDF: every `sg:Mapping` and `sg:Adoption` node with its own triples."""
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises several parser error types
        raise UploadError(f"not valid Turtle: {exc}") from None
    batch = Batch()
    for node in sorted(
        set(graph.subjects(RDF.type, SG.Mapping)) | set(graph.subjects(RDF.type, SG.Adoption))
    ):
        if not isinstance(node, URIRef):
            batch.errors.append(RowError(None, None, "a record must be an IRI, not a blank node"))
            continue
        triples = list(graph.triples((node, None, None)))
        if any(isinstance(o, BNode) for _, _, o in triples):
            batch.errors.append(
                RowError(None, None, "blank nodes cannot be stored in a record", record=str(node))
            )
            continue
        kind = kind_of(triples, node)
        if kind == "adoption":
            a, b = graph.value(node, SG.adoptingEdition), graph.value(node, SG.adoptedEdition)
            if a is not None and b is not None:
                triples.append((a, SG.adopts, b))
        batch.records.append(Record(node, kind or "mapping", triples, label=str(node)))
    if not batch.records and not batch.errors:
        raise UploadError("the Turtle holds no sg:Mapping or sg:Adoption")
    return batch


def read_upload(data: bytes, fmt: str, proposer: str) -> Batch:
    """Dispatch on the format: `sssom` (TSV), `csv`, `json` or `turtle`."""
    from stdgraph.curation import sssom

    text = decode(data)
    if not text.strip():
        raise UploadError("the upload is empty")
    if fmt == "sssom":
        return sssom.read_tsv(text, proposer)
    if fmt == "csv":
        return read_csv(text, proposer)
    if fmt == "json":
        return read_json(text, proposer)
    if fmt == "turtle":
        return read_turtle(text, proposer)
    raise UploadError(f"unknown format {fmt!r}: use sssom, csv, json or turtle")


FORMAT_OF_SUFFIX = {".tsv": "sssom", ".csv": "csv", ".json": "json", ".ttl": "turtle"}
FORMAT_OF_MEDIA = {
    "text/tab-separated-values": "sssom",
    "text/csv": "csv",
    "application/json": "json",
    "text/turtle": "turtle",
}
