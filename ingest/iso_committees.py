"""ISO technical committees from ISO Open Data: parent and child, secretariat, P- and O-members.

Each row of `iso_technical_committees.csv` is a committee or subcommittee (`sg:TechnicalCommittee`, a unit
of ISO, and of IEC too for ISO/IEC JTC 1 and its subcommittees) with its English and French titles, its
parent (`sg:parentCommittee`, from ``parentId``), its secretariat and its participating (P) and observing
(O) member bodies (`sg:secretariat`, `sg:participatingMember`, `sg:observingMember`).

Member bodies are named by acronym and ISO member id only; the file gives no country. A body that the
curated default graph already knows (``data/curated/standards_bodies.csv``: SAC -> CN, DIN -> DE, BSI -> GB,
JISC -> JP, KATS -> KR) is linked to that very node, `stdgraph.namespaces.org(acronym, country)`, and to its
country (`sg:jurisdiction`). Every other member body is keyed by its ISO member id,
``sgid:org/iso-member-{id}``, with its acronym: its country is not established by any file here (ISO's
members list is not among the shared data), so none is guessed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from functools import cache

from rdflib import Literal, URIRef

from stdgraph import config
from stdgraph.namespaces import DCTERMS, ORG, RDF, SG, SKOS, committee, entity, market, org, vocab
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.terms import Triple, text

COMMITTEES = "iso_technical_committees.csv"
COLUMNS = (
    "id",
    "reference",
    "status",
    "title.en",
    "title.fr",
    "secretariat.id",
    "secretariat.acronym",
    "parentId",
    "pMembers.id",
    "pMembers.acronym",
    "oMembers.id",
    "oMembers.acronym",
)
HOMEPAGE = "https://www.iso.org/open-data.html"
FILE_URL = (
    "https://isopublicstorageprod.blob.core.windows.net/opendata/_latest/iso_technical_committees/csv/"
    "iso_technical_committees.csv"
)
ISO = URIRef(org("ISO"))
IEC = URIRef(org("IEC"))
PRIMARY = URIRef(vocab("evidence-level", "primary"))
NATIONAL = URIRef(vocab("body-level", "national"))

SOURCE = Source(
    name="iso-committees",
    title="ISO technical committees and their member bodies, ISO Open Data",
    publisher="ISO (ISO Open Data)",
    homepage=HOMEPAGE,
    licence="ODC-By-1.0; attribution: Source: ISO Open Data, https://www.iso.org/open-data.html",
    location="shared:iso-open-data",
    retrieved="2026-05-02",
    default=False,
    files=(DataFile(COMMITTEES, COLUMNS),),
    triples=lambda src: triples(src),  # defined below
    description=(
        "iso_technical_committees.csv (the sigma-standards/sigma-index copy at fe239c2): committees and "
        "subcommittees with parent, secretariat and P-/O-member bodies. Member bodies are linked to the "
        "curated standards bodies where the curated graph knows their country, else keyed by ISO member id."
    ),
)


@cache
def known_bodies() -> dict[str, str]:
    """Acronym -> ISO 3166 country of the national standards bodies the curated default graph describes."""
    with (config.CURATED_DIR / "standards_bodies.csv").open(encoding="utf-8", newline="") as handle:
        return {r["acronym"]: r["country"] for r in csv.DictReader(handle) if r["level"] == "national"}


def body_iri(acronym: str, member_id: str) -> URIRef:
    country = known_bodies().get(acronym)
    if country:
        return URIRef(org(acronym, country))
    return URIRef(entity("org", f"iso-member {member_id}"))


def body_triples(acronym: str, member_id: str) -> Iterator[Triple]:
    """An ISO member body as the file names it: acronym, national level, the file as its source."""
    node = body_iri(acronym, member_id)
    yield node, RDF.type, SG.StandardsBody
    yield node, RDF.type, ORG.Organization
    yield node, SG.acronym, Literal(acronym)
    yield node, SG.bodyLevel, NATIONAL
    yield node, DCTERMS.source, URIRef(FILE_URL)
    yield node, SG.evidenceLevel, PRIMARY
    if country := known_bodies().get(acronym):
        yield node, SG.jurisdiction, URIRef(market(country))


def members(ids: str, acronyms: str) -> list[tuple[str, str]]:
    """(acronym, id) pairs of a bracketed list pair such as '[1485, 1499]' and '[SABS, IANOR]'."""
    id_list = [i.strip() for i in ids.strip("[]").split(",") if i.strip()]
    acronym_list = [a.strip() for a in acronyms.strip("[]").split(", ") if a.strip()]
    if len(id_list) != len(acronym_list):
        raise ValueError(f"{len(id_list)} member ids but {len(acronym_list)} acronyms")
    return list(zip(acronym_list, id_list, strict=True))


def committee_triples(
    row: Mapping[str, str], references: Mapping[str, str], described: set[tuple[str, str]] | None = None
) -> Iterator[Triple]:
    """One committee; `references` maps ISO's committee ids to references, for the parent link.

    `described` holds the (acronym, id) of the member bodies already described (`body_triples` depends on
    nothing else), so that each is described once: a body is a member of up to 790 committees, and
    describing it in each made 235k triples for 39k distinct ones."""
    reference = row["reference"]
    if not reference:
        raise ValueError("the committee has no reference")
    node = URIRef(committee(reference))
    yield node, RDF.type, SG.TechnicalCommittee
    yield node, RDF.type, ORG.OrganizationalUnit
    yield node, DCTERMS.identifier, Literal(reference)
    for column, lang in (("title.en", "en"), ("title.fr", "fr")):
        if title := text(row[column], lang):
            yield node, SKOS.prefLabel, title
    yield node, ORG.unitOf, ISO
    if reference.startswith("ISO/IEC"):
        yield node, ORG.unitOf, IEC
    if row["parentId"]:
        parent = references.get(row["parentId"])
        if parent is None:
            raise ValueError(f"parentId {row['parentId']} is not the id of a row of the file")
        yield node, SG.parentCommittee, URIRef(committee(parent))
    bodies = []
    if row["secretariat.acronym"]:
        bodies.append((SG.secretariat, row["secretariat.acronym"], row["secretariat.id"]))
    for prefix, prop in (("pMembers", SG.participatingMember), ("oMembers", SG.observingMember)):
        bodies += [(prop, *member) for member in members(row[f"{prefix}.id"], row[f"{prefix}.acronym"])]
    for prop, acronym, member_id in bodies:
        if described is None or (acronym, member_id) not in described:
            if described is not None:
                described.add((acronym, member_id))
            yield from body_triples(acronym, member_id)
        yield node, prop, body_iri(acronym, member_id)


def triples(src: SourceInput) -> Iterator[Triple]:
    path = src.path(COMMITTEES)
    with path.open(encoding="utf-8-sig", newline="") as handle:  # 796 rows: ids first, for parents
        references = {r["id"]: r["reference"] for r in csv.DictReader(handle)}
    described: set[tuple[str, str]] = set()
    for line, row in src.rows(COMMITTEES):
        try:
            yield from committee_triples(row, references, described)
        except ValueError as exc:
            raise SourceDataError(f"{COMMITTEES}, line {line}: {exc}") from None
