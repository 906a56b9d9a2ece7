"""The IEC catalogue: IEC publications as editions of their works, from Relaton's crawl of webstore.iec.ch.

Same model as `ingest.iso_catalogue`: one dated publication (standard, TS, TR, PAS, guide, amendment,
corrigendum, consolidated ``CSV`` or redline ``RLV`` version) is one `sg:Edition` with its title, document
type, status, edition number, publication date, withdrawal date, committee, ICS codes and webstore page.

Status: ``PUBLISHED`` is `published`; ``REVISED``, ``REPLACED`` and ``WITHDRAWN`` are `withdrawn`, and
their ``date_obsoleted`` is the withdrawal date (`sg:withdrawalDate`). The IEC file has no stage codes.

Supersession is **derived**, since the file has no links (SOURCE.md): a revised or replaced plain edition
(no supplement, suffix or consolidated amendment) is superseded by the one plain edition of the same work
whose publication date is its ``date_obsoleted`` (IEC 61215-1:2016, obsoleted 2021-02-23, by IEC
61215-1:2021, published 2021-02-23). Where no edition or more than one fits, no link is made. The graph's
description in `sgg:meta` says so.

Committees are written with the IEC prefix (``TC 82`` -> ``IEC/TC 82``, ``CISPR/CIS/A`` ->
``IEC/CISPR/CIS/A``); ISO/IEC joint committees keep their reference (``ISO/IEC JTC 1/SC 27``).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from ingest import _catalogue as cat
from stdgraph.identifiers import StandardRef
from stdgraph.namespaces import vocab
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.terms import CellError, OxTriple

PUBLICATIONS = "iec_publications.csv"
COLUMNS = (
    "reference",
    "webstore_id",
    "doctype",
    "title_en",
    "status",
    "edition",
    "date_published",
    "date_stable_until",
    "date_obsoleted",
    "committee",
    "ics",
    "urn",
)
HOMEPAGE = "https://github.com/relaton/relaton-data-iec"
WEBSTORE_PAGE = "https://webstore.iec.ch/publication/{}"
STATUS = {
    "PUBLISHED": cat.iri(vocab("status", "published")),
    "REVISED": cat.iri(vocab("status", "withdrawn")),
    "REPLACED": cat.iri(vocab("status", "withdrawn")),
    "WITHDRAWN": cat.iri(vocab("status", "withdrawn")),
}

SOURCE = Source(
    name="iec-catalogue",
    title="IEC catalogue: IEC publications (Relaton crawl of webstore.iec.ch, 2026-03-15)",
    publisher="IEC (webstore.iec.ch), via Relaton relaton-data-iec",
    homepage=HOMEPAGE,
    licence=(
        "No licence file in relaton-data-iec; bibliographic metadata from the public IEC webstore. "
        "Attribution: IEC (webstore.iec.ch), via Relaton relaton-data-iec"
    ),
    location="shared:iec-catalogue-relaton",
    retrieved="2026-03-15",
    default=False,
    files=(DataFile(PUBLICATIONS, COLUMNS),),
    triples=lambda src: triples(src),  # defined below
    description=(
        "relaton/relaton-data-iec at e61a22f35c6a1c0296d3b410ae4a25622dc32fcf: editions with title, type, "
        "status, edition, dates, committee, ICS and webstore page. Supersession is derived (same work, "
        "date_obsoleted = the successor's date_published), not stated by IEC. Undated references are left "
        "out; a document listed twice keeps one row."
    ),
)


def committee_reference(cell: str) -> str:
    """The committee as a reference with its body: 'TC 82' -> 'IEC/TC 82'; ISO and IEC ones stay."""
    return cell if cell.startswith(("ISO", "IEC")) else f"IEC/{cell}"


def committee_bodies(reference: str) -> tuple[ox.NamedNode, ...]:
    if reference.startswith("ISO/IEC"):
        return (cat.ISO, cat.IEC)
    return (cat.ISO,) if reference.startswith("ISO") else (cat.IEC,)


def plain(ref: StandardRef) -> bool:
    """An edition itself: no supplement, suffix or consolidated amendment."""
    return not (ref.supplements or ref.suffix or ref.consolidated)


def score(row: Mapping[str, str]) -> tuple:
    return (bool(row["committee"]), row["status"] == "PUBLISHED", row["date_published"])


@dataclass
class Catalogue:
    index: cat.Index = field(default_factory=cat.Index)
    successors: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    """(work slug, publication date) -> edition IRIs of plain editions published that day."""
    counts: Counter = field(default_factory=Counter)

    def first_pass(self, src: SourceInput) -> None:
        path = src.path(PUBLICATIONS)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                ref = cat.reference(row["reference"])
                self.index.add(reader.line_num, ref, score(row))
                if ref is not None and ref.is_edition and plain(ref) and row["date_published"]:
                    key = (ref.work_slug, row["date_published"])
                    if ref.edition_iri not in self.successors[key]:
                        self.successors[key].append(ref.edition_iri)

    def successor(self, ref: StandardRef, obsoleted: str) -> ox.NamedNode | None:
        found = [i for i in self.successors.get((ref.work_slug, obsoleted), ()) if i != ref.edition_iri]
        if len(found) == 1:
            return cat.iri(found[0])
        self.counts["revised editions without one successor"] += 1
        return None

    def row_triples(self, line: int, row: Mapping[str, str]) -> Iterator[OxTriple]:
        ref = cat.reference(row["reference"])
        if ref is None or not ref.is_edition:
            return
        if ref.base is not None and ref.base.base is not None and not self.index.known(ref.base):
            # a fragment or corrigendum of an amendment the catalogue does not date (CISPR 14-1:2016/
            # AMD1/FRAG5): the amendment in between would be an edition with no edition to amend
            self.counts[UNDATED_SUPPLEMENT] += 1
            return
        if ":" in ref.work:  # "IEC White Paper IoT:WSN:2014": the colon leaves the work ambiguous
            self.counts[AMBIGUOUS_WORK] += 1
            return
        if not self.index.wins(line, ref):
            self.counts["duplicate rows"] += 1
            return
        self.counts["editions"] += 1
        yield from self.edition_triples(row, ref)

    def edition_triples(self, row: Mapping[str, str], ref: StandardRef) -> Iterator[OxTriple]:
        node = cat.iri(ref.edition_iri)
        yield from cat.edition_identity(ref, self.index.works)
        if cat.lead(ref) == "IEC":
            yield from self.owned_triples(node, ref, row)
        if ref.base is not None:
            yield node, cat.AMENDS, cat.iri(ref.base.edition_iri)
            if not self.index.known(ref.base):
                self.index.missing_bases.add(ref.base.edition_slug)
                yield from cat.edition_identity(ref.base, self.index.works)
        if row["committee"]:
            reference = committee_reference(row["committee"])
            yield from cat.committee_triples(reference, committee_bodies(reference), self.index.committees)
            yield node, cat.COMMITTEE, cat.committee_node(reference)
        yield from cat.ics_triples(node, row["ics"])
        revised = row["status"] in ("REVISED", "REPLACED") and row["date_obsoleted"] and plain(ref)
        if revised and (newer := self.successor(ref, row["date_obsoleted"])):
            yield from cat.supersession(newer, node)

    def owned_triples(
        self, node: ox.NamedNode, ref: StandardRef, row: Mapping[str, str]
    ) -> Iterator[OxTriple]:
        if title := cat.text(row["title_en"], "en"):
            yield node, cat.TITLE, title
        if doc_type := cat.document_type(ref, row["doctype"]):
            yield node, cat.DOCUMENT_TYPE, doc_type
        if row["status"]:
            if row["status"] not in STATUS:
                raise CellError(f"status {row['status']!r} is not one of {', '.join(STATUS)}")
            yield node, cat.STATUS, STATUS[row["status"]]
        if row["edition"]:
            yield node, cat.EDITION_NUMBER, cat.literal(row["edition"])
        if date := cat.issued(ref, row["date_published"], cat.curated_dates(), self.counts, False):
            yield node, cat.ISSUED, date
        obsoleted = row["date_obsoleted"]
        if obsoleted and row["status"] != "PUBLISHED":
            if obsoleted >= row["date_published"]:
                yield node, cat.WITHDRAWAL_DATE, cat.date(obsoleted)
            else:
                self.counts["withdrawal dates before publication"] += 1
        for body in cat.publishers(ref):
            yield node, cat.PUBLISHER, body
        if row["webstore_id"].isdigit():
            yield node, cat.CATALOGUE_URL, cat.iri(WEBSTORE_PAGE.format(row["webstore_id"]))


UNDATED_SUPPLEMENT = "supplements of an amendment the catalogue does not date"
AMBIGUOUS_WORK = "references whose work identifier holds a colon"


def triples(src: SourceInput, catalogue: Catalogue | None = None) -> Iterator[OxTriple]:
    catalogue = catalogue or Catalogue()
    catalogue.first_pass(src)
    for line, row in src.rows(PUBLICATIONS):
        try:
            yield from catalogue.row_triples(line, row)
        except CellError as exc:
            raise SourceDataError(f"{PUBLICATIONS}, line {line}: {exc}") from None
    for reason in (UNDATED_SUPPLEMENT, AMBIGUOUS_WORK):
        if catalogue.counts[reason]:
            src.notes.append(f"{catalogue.counts[reason]} rows left out: {reason}.")
