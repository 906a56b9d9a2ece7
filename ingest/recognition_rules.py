"""What a market requirement accepts, and the curated scope mappings from its words to HS codes.

Two curated files in `data/curated`, each row naming a requirement of
`shared/data/market-requirements/requirements.csv` by its market and its text:

- `scope_mappings.csv`: a curator's judgement that the goods of an HS code fall within a requirement's scope
  stated in words (the Batteries Regulation's "electric vehicle batteries" and HS 8507.60), with the
  relation, a justification and sources. Every answer shows these as the curator's, never the regulation's.
- `acceptance_rules.csv`: which evidence a requirement accepts or excludes, as its source states it: the
  kind of evidence, and the scheme, arrangement, body, accreditation or standard edition it must come
  through.

A row that names a requirement the shared file lacks stops the build, so a renamed requirement cannot
leave a rule or mapping pointing at nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal, URIRef

from ingest.recognition_lists import arrangement
from stdgraph import config
from stdgraph.identifiers import IdentifierError, parse
from stdgraph.namespaces import DCTERMS, ORG, RDF, RDFS, SG, SGID, XSD, entity, market, org
from stdgraph.recognition import EVIDENCE_KINDS
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.terms import CellError, Triple, sourced, text

REQUIREMENTS = "requirements.csv"
MAPPINGS, RULES = "scope_mappings.csv", "acceptance_rules.csv"
HS_VERSION = "2022"
RELATIONS = ("close", "narrower", "broader", "overlap")
YES = {"yes": True, "": False, "no": False}

SOURCE = Source(
    name="recognition-rules",
    title="What market requirements accept: acceptance rules and curated scope mappings",
    publisher="stdgraph contributors",
    homepage="https://w3id.org/stdgraph",
    licence="CC-BY-4.0 (curation); cite each row's source",
    location="shared:market-requirements",
    files=(
        DataFile(REQUIREMENTS, columns=("market", "requirement")),
        DataFile(
            MAPPINGS,
            columns=tuple(
                [
                    "market",
                    "requirement",
                    "hs_code",
                    "relation",
                    "justification",
                    "curator",
                    "source",
                    "confidence",
                ]
            ),
        ),
        DataFile(
            RULES,
            columns=tuple(
                [
                    "market",
                    "requirement",
                    "evidence_kind",
                    "scheme",
                    "arrangement",
                    "body",
                    "standard",
                    "edition_year",
                    "other_editions_excluded",
                    "accreditation_market",
                    "excludes",
                    "condition",
                    "note",
                    "source",
                    "confidence",
                ]
            ),
        ),
    ),
    triples=lambda src: triples(src),  # defined below
    description="Curated from the sources of each requirement; scope mappings are the curator's judgement.",
)


def requirement(row: dict[str, str], known: set[tuple[str, str]]) -> URIRef:
    """The requirement a row names, as market_requirements mints it; unknown names are refused."""
    key = (row["market"], row["requirement"])
    if key not in known:
        raise CellError(
            f"no requirement {row['requirement']!r} of market {row['market']!r} in {REQUIREMENTS}: "
            "copy the market and requirement cells exactly"
        )
    return URIRef(entity("requirement", f"{row['market']} {row['requirement']}"))


def hs_code(code: str) -> URIRef:
    if not code.isdigit() or len(code) not in (2, 4, 6):
        raise CellError(f"hs_code {code!r} is not an HS code of 2, 4 or 6 digits")
    return URIRef(SGID[f"hs/{HS_VERSION}/{code}"])


def mapping_triples(row: dict[str, str], known: set[tuple[str, str]]) -> Iterator[Triple]:
    """One curator's judgement: the goods of an HS code fall (wholly, partly) within a requirement's scope."""
    req = requirement(row, known)
    if row["relation"] not in RELATIONS:
        raise CellError(f"relation {row['relation']!r} is not one of {', '.join(RELATIONS)}")
    for cell in ("justification", "curator"):
        if not row[cell]:
            raise CellError(f"{cell} is blank: a scope mapping is a judgement and must say why and whose")
    node = URIRef(entity("scope-mapping", f"{row['market']} {row['requirement']} {row['hs_code']}"))
    yield node, RDF.type, SG.ScopeMapping
    yield node, SG.forRequirement, req
    yield node, SG.mappedCode, hs_code(row["hs_code"])
    yield node, SG.scopeRelation, Literal(row["relation"])
    yield node, SG.justification, Literal(row["justification"], lang="en")
    yield node, DCTERMS.creator, Literal(row["curator"])
    yield from sourced(node, row["source"], row["confidence"])


def _flag(row: dict[str, str], cell: str) -> bool:
    value = row[cell].lower()
    if value not in YES:
        raise CellError(f"{cell} {row[cell]!r}: write yes or leave blank")
    return YES[value]


def rule_triples(row: dict[str, str], line: int, known: set[tuple[str, str]]) -> Iterator[Triple]:
    """One acceptance rule of a requirement, and the body it names (acronym@country)."""
    req = requirement(row, known)
    if row["evidence_kind"] not in EVIDENCE_KINDS:
        raise CellError(f"evidence_kind {row['evidence_kind']!r} is not one of {', '.join(EVIDENCE_KINDS)}")
    node = URIRef(entity("acceptance-rule", f"{row['market']} {row['requirement']} {line}"))
    yield node, RDF.type, SG.AcceptanceRule
    yield node, SG.forRequirement, req
    yield node, SG.evidenceKind, Literal(row["evidence_kind"])
    if row["scheme"]:
        yield node, SG.ruleScheme, URIRef(entity("scheme", row["scheme"]))
    if row["arrangement"]:
        yield node, SG.ruleArrangement, arrangement(row["arrangement"])
    if row["body"]:
        acronym, _, country = row["body"].partition("@")
        body = URIRef(org(acronym.strip(), country.strip() or None))
        yield node, SG.ruleBody, body
        yield body, RDF.type, ORG.Organization
        yield body, SG.acronym, Literal(acronym.strip())
        if country:
            yield body, SG.jurisdiction, URIRef(market(country))
        yield from sourced(body, row["source"], row["confidence"])
    if row["standard"]:
        try:
            ref = parse(row["standard"])
        except IdentifierError as exc:
            raise CellError(f"standard {row['standard']!r}: {exc}") from None
        if ref.is_edition:
            raise CellError(f"standard {row['standard']!r}: name the work and put its year in edition_year")
        work = URIRef(ref.standard_iri)
        yield node, SG.ruleStandard, work
        yield work, RDF.type, SG.Standard
        yield work, DCTERMS.identifier, Literal(ref.work)
    if row["edition_year"]:
        if not (row["edition_year"].isdigit() and len(row["edition_year"]) == 4 and row["standard"]):
            raise CellError(f"edition_year {row['edition_year']!r}: a year of the rule's standard, e.g. 2021")
        yield node, SG.editionYear, Literal(row["edition_year"])
    if _flag(row, "other_editions_excluded"):
        yield node, SG.otherEditionsExcluded, Literal(True, datatype=XSD.boolean)
    if row["accreditation_market"]:
        yield node, SG.accreditationMarket, URIRef(market(row["accreditation_market"]))
    if _flag(row, "excludes"):
        yield node, SG.excludes, Literal(True, datatype=XSD.boolean)
    for cell, prop in (("condition", SG.condition), ("note", RDFS.comment)):
        if value := text(row[cell], "en"):
            yield node, prop, value
    yield from sourced(node, row["source"], row["confidence"])


def triples(src: SourceInput) -> Iterator[Triple]:
    known = {(row["market"], row["requirement"]) for _line, row in src.rows(REQUIREMENTS)}
    curated = SourceInput(src.source, config.CURATED_DIR)
    try:
        for line, row in curated.rows(MAPPINGS):
            try:
                yield from mapping_triples(row, known)
            except (CellError, ValueError) as exc:
                raise SourceDataError(f"{MAPPINGS}, line {line}: {exc}") from None
        for line, row in curated.rows(RULES):
            try:
                yield from rule_triples(row, line, known)
            except (CellError, ValueError) as exc:
                raise SourceDataError(f"{RULES}, line {line}: {exc}") from None
    finally:
        src.rows_read += curated.rows_read
        src.checksums.update(curated.checksums)
