"""The ISO catalogue: every ISO deliverable as an edition of its work, from Relaton's crawl of iso.org.

One row of `iso_deliverables.csv` is one document (standard, TS, TR, guide, amendment, corrigendum, draft).
Each dated document becomes an `sg:Edition` with its title, document type, stage code and the status that
stage means, edition number, publication date, committee, ICS codes, catalogue page and supersession both
ways. `iso_green_committees.jsonl` adds the French title and ISO's catalogue abstract (``dcterms:abstract``,
@en and @fr) for the records of the green committees: ISO/TC 207 and its subcommittees, TC 301, TC 322,
TC 323, TC 265, TC 197, TC 180 and ISO/CASCO.

Stage codes to status (ISO harmonized stage codes, https://www.iso.org/stage-codes.html):

| stage code | meaning | `sg:status` |
|---|---|---|
| 00.00 - 50.99 | proposal, preparatory, committee, enquiry and approval stages | under-development |
| 60.00 | International Standard under publication (not yet published) | under-development |
| 60.60 | International Standard published | published |
| 90.xx | under review, to be revised, confirmed, withdrawal proposed | published |
| 95.20, 95.60, 95.92 | withdrawal ballot, close of voting, decision not to withdraw | published |
| 95.99 | withdrawal of the International Standard | withdrawn |
| xx.98 (10.98, 20.98, 30.98, 40.98, 50.98) | project cancelled or deleted | none: never published |

Supersession: ``obsoletes`` lists what this document replaces; ``updated_by`` lists what revises, amends
or corrects it (SOURCE.md: the direction is "is updated by"; 28,784 of 28,789 dated pairs point forward).
A revision supersedes the row; an amendment or corrigendum of the row *amends* it (`sg:amends`, from the
reference itself) and does not supersede it. Links whose target is not a dated document of the file are
counted as unresolved, not guessed.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from ingest import _catalogue as cat
from stdgraph.identifiers import StandardRef
from stdgraph.namespaces import vocab
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.terms import CellError, OxTriple, split_list

DELIVERABLES = "iso_deliverables.csv"
GREEN = "iso_green_committees.jsonl"
COLUMNS = (
    "reference",
    "iso_id",
    "doctype",
    "title_en",
    "stage_code",
    "edition",
    "date_published",
    "committee",
    "ics",
    "obsoletes",
    "updated_by",
)
HOMEPAGE = "https://github.com/relaton/relaton-data-iso"
CATALOGUE_PAGE = "https://www.iso.org/standard/{}.html"
GREEN_COMMITTEES = ("ISO/TC 207", "ISO/TC 301", "ISO/TC 322", "ISO/TC 323", "ISO/TC 265", "ISO/TC 197")
GREEN_COMMITTEES += ("ISO/TC 180", "ISO/CASCO")
"""The committees (and their subcommittees) whose records carry abstracts in `iso_green_committees.jsonl`."""

SOURCE = Source(
    name="iso-catalogue",
    title="ISO catalogue: every ISO deliverable (Relaton crawl of iso.org, 2025-06-02)",
    publisher="ISO (iso.org), via Relaton relaton-data-iso",
    homepage=HOMEPAGE,
    licence=(
        "No licence file in relaton-data-iso; bibliographic metadata from the public ISO catalogue (ISO "
        "publishes the same facts as ISO Open Data under ODC-By 1.0); abstracts are ISO's catalogue "
        "abstracts. Attribution: ISO (iso.org), via Relaton relaton-data-iso"
    ),
    location="shared:iso-catalogue-relaton",
    retrieved="2025-06-02",
    default=False,
    files=(DataFile(DELIVERABLES, COLUMNS), DataFile(GREEN)),
    triples=lambda src: triples(src),  # defined below
    description=(
        "relaton/relaton-data-iso at 87c31d31323bfa79ef34fa1e0820e60e161e075d: editions with title, type, "
        "stage code and status, edition, date, committee, ICS, supersession both ways, catalogue page; "
        "abstracts and French titles for the green committees (ISO/TC 207, 301, 322, 323, 265, 197, 180, "
        "CASCO). Undated references (drafts) are not editions and are left out; a document listed twice "
        "keeps the row that names its committee."
    ),
)


STATUS = {value: cat.iri(vocab("status", value)) for value in ("under-development", "published", "withdrawn")}


def status(stage_code: str) -> ox.NamedNode | None:
    """The `sg:status` a harmonized stage code means (see the module's table); None when it has none."""
    if not stage_code:
        return None
    try:
        stage, substage = (int(part) for part in stage_code.split("."))
    except ValueError:
        raise CellError(f"stage code {stage_code!r} is not NN.NN (e.g. 60.60)") from None
    if substage == 98:
        return None
    if stage < 60 or (stage == 60 and substage < 60):
        value = "under-development"
    elif stage == 95 and substage == 99:
        value = "withdrawn"
    elif stage <= 95:
        value = "published"
    else:
        raise CellError(f"stage code {stage_code!r} is not an ISO harmonized stage code")
    return STATUS[value]


def score(row: Mapping[str, str]) -> tuple:
    """Which of two rows for one document wins: committee, then document type, then the later stage."""
    return (bool(row["committee"]), bool(row["doctype"]), row["stage_code"])


@dataclass
class Catalogue:
    """Reads the catalogue in two passes; counts what it leaves out so that tests and reports can say why."""

    index: cat.Index = field(default_factory=cat.Index)
    green: dict[str, dict[str, str]] = field(default_factory=dict)
    unresolved: Counter = field(default_factory=Counter)
    counts: Counter = field(default_factory=Counter)

    def first_pass(self, src: SourceInput) -> None:
        path = src.path(DELIVERABLES)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                self.index.add(reader.line_num, cat.reference(row["reference"]), score(row))
        self.green = read_green(src)

    def row_triples(self, line: int, row: Mapping[str, str]) -> Iterator[OxTriple]:
        ref = cat.reference(row["reference"])
        if ref is None or not ref.is_edition:
            return
        if not self.index.wins(line, ref):
            self.counts["duplicate rows"] += 1
            return
        self.counts["editions"] += 1
        yield from edition_triples(row, ref, self.index, self.unresolved, self.green.get(ref.edition_slug))


def read_green(src: SourceInput) -> dict[str, dict[str, str]]:
    """The JSONL records of the green committees by edition slug (415 lines, read whole)."""
    records: dict[str, dict[str, str]] = {}
    path = src.path(GREEN)
    with path.open(encoding="utf-8") as handle:
        for line, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise SourceDataError(f"{path}, line {line}: not JSON ({exc.msg})") from None
            ref = cat.reference(record.get("reference", ""))
            if ref is not None and ref.is_edition:
                records[ref.edition_slug] = record
    return records


def edition_triples(
    row: Mapping[str, str],
    ref: StandardRef,
    index: cat.Index,
    unresolved: Counter,
    green: Mapping[str, str] | None = None,
) -> Iterator[OxTriple]:
    """One winning row: identity, the owner's single-valued facts, then links."""
    node = cat.iri(ref.edition_iri)
    yield from cat.edition_identity(ref, index.works)
    if cat.lead(ref) == "ISO":
        yield from owned_triples(node, ref, row, green, index.counts)
    if ref.base is not None:
        yield node, cat.AMENDS, cat.iri(ref.base.edition_iri)
        if not index.known(ref.base):
            index.missing_bases.add(ref.base.edition_slug)
            yield from cat.edition_identity(ref.base, index.works)
    if row["committee"]:
        bodies = (cat.ISO, cat.IEC) if row["committee"].startswith("ISO/IEC") else (cat.ISO,)
        yield from cat.committee_triples(row["committee"], bodies, index.committees)
        yield node, cat.COMMITTEE, cat.committee_node(row["committee"])
    yield from cat.ics_triples(node, row["ics"])
    for older in cat.resolved(split_list(row["obsoletes"]), index, unresolved):
        if older != ref:
            yield from cat.supersession(node, cat.iri(older.edition_iri), index.supersessions)
    for newer in cat.resolved(split_list(row["updated_by"]), index, unresolved):
        if newer != ref and not cat.supplement_of(newer, ref):
            yield from cat.supersession(cat.iri(newer.edition_iri), node, index.supersessions)


def owned_triples(
    node: ox.NamedNode,
    ref: StandardRef,
    row: Mapping[str, str],
    green: Mapping[str, str] | None,
    counts: Counter,
) -> Iterator[OxTriple]:
    """Title, type, stage, status, edition, date, publisher and catalogue page: facts ISO states."""
    if title := cat.text(row["title_en"], "en"):
        yield node, cat.TITLE, title
    if green:
        for key, prop, lang in (
            ("title_fr", cat.TITLE, "fr"),
            ("abstract_en", cat.ABSTRACT, "en"),
            ("abstract_fr", cat.ABSTRACT, "fr"),
        ):
            if value := cat.text(green.get(key) or "", lang):
                yield node, prop, value
    if doc_type := cat.document_type(ref, row["doctype"]):
        yield node, cat.DOCUMENT_TYPE, doc_type
    if row["stage_code"]:
        yield node, cat.STAGE_CODE, cat.literal(row["stage_code"])
        if value := status(row["stage_code"]):
            yield node, cat.STATUS, value
    if row["edition"]:
        yield node, cat.EDITION_NUMBER, cat.literal(row["edition"])
    if date := cat.issued(ref, row["date_published"], cat.curated_dates(), counts):
        yield node, cat.ISSUED, date
    for body in cat.publishers(ref):
        yield node, cat.PUBLISHER, body
    if row["iso_id"].isdigit():
        yield node, cat.CATALOGUE_URL, cat.iri(CATALOGUE_PAGE.format(row["iso_id"]))


def triples(src: SourceInput, catalogue: Catalogue | None = None) -> Iterator[OxTriple]:
    catalogue = catalogue or Catalogue()
    catalogue.first_pass(src)
    for line, row in src.rows(DELIVERABLES):
        try:
            yield from catalogue.row_triples(line, row)
        except CellError as exc:
            raise SourceDataError(f"{DELIVERABLES}, line {line}: {exc}") from None
