"""Curated certification schemes and the organisations that own or operate them.

Hand-curated from the project's research table (facts.md section 2): ecolabels, claim programmes, green
product and carbon-footprint labels, green electricity certificates and sustainable-fuel schemes. An
organisation is named in `schemes.csv` as `ACRONYM@CC` (or without `@CC` when it is not national), the
same key `stdgraph.namespaces.org` turns into its IRI; bodies without an acronym are keyed by their name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from rdflib import Literal, URIRef

from ingest.curated_standards import checked_rows, market_ref, reference
from stdgraph.namespaces import ORG, RDF, RDFS, SG, SKOS, entity, org
from stdgraph.sources import DataFile, Source, SourceInput
from stdgraph.terms import CellError, Triple, date_literal, sourced, split_list, text
from stdgraph.vocabulary import controlled

SCHEMES = "schemes.csv"
ORGANISATIONS = "organisations.csv"

ORG_TYPES = {
    "ConformityAssessmentBody": SG.ConformityAssessmentBody,
    "AccreditationBody": SG.AccreditationBody,
    "SchemeOwner": ORG.Organization,
    "SchemeOperator": ORG.Organization,
}
"""Roles in `organisations.csv` and their classes; owning or running a scheme is no class of its own."""

SOURCE = Source(
    name="curated-schemes",
    title="Curated certification schemes and their owners and operators",
    publisher="stdgraph contributors",
    homepage="https://w3id.org/stdgraph",
    licence="CC-BY-4.0",
    location="curated",
    files=(
        DataFile(
            SCHEMES,
            columns=(
                "key",
                "name_en",
                "name_zh",
                "scheme_type",
                "owner",
                "operator",
                "based_on",
                "operates_in",
                "established",
                "product_scope_text",
                "note",
                "source",
                "confidence",
            ),
        ),
        DataFile(
            ORGANISATIONS,
            columns=("acronym", "country", "name_en", "name_zh", "types", "source", "confidence"),
        ),
    ),
    triples=lambda src: triples(src),  # defined below
    description=(
        "Ecolabels, claim programmes, green product and carbon-footprint labels, green electricity "
        "certificates and sustainable-fuel schemes of China and its partners, with owners, operators, the "
        "standards they are based on and the markets they operate in."
    ),
)


def org_ref(cell: str) -> str:
    """IRI of an organisation written `ACRONYM@CC` (national) or `ACRONYM` (international, regional)."""
    key, _, country = cell.strip().partition("@")
    if not key.strip():
        raise CellError(f"{cell!r} names no organisation: write ACRONYM@CC, e.g. CEC@CN")
    if country:
        market_ref(country)  # refuses what is not an ISO 3166-1 alpha-2 code
    return org(key.strip(), country.strip().upper() or None)


def based_on_iri(cell: str) -> URIRef:
    """A work (`ISO 14024`) or an edition (`ISO 14024:2018`); curated-standards describes the target."""
    ref = reference(cell)
    return URIRef(ref.edition_iri if ref.is_edition else ref.standard_iri)


def scheme_triples(row: Mapping[str, str]) -> Iterator[Triple]:
    """One certification scheme: names, type, owners and operators, standards, markets and scope."""
    node = URIRef(entity("scheme", row["key"]))
    yield node, RDF.type, SG.CertificationScheme
    names = [name for name in (text(row["name_en"], "en"), text(row["name_zh"], "zh")) if name]
    if not names:
        raise CellError("a scheme needs a name (name_en or name_zh)")
    for name in names:
        yield node, SKOS.prefLabel, name
    if row["scheme_type"]:
        yield node, SG.schemeType, controlled("scheme-type", row["scheme_type"], "scheme type")
    for column, prop in (("owner", SG.schemeOwner), ("operator", SG.operator)):
        for cell in split_list(row[column]):
            yield node, prop, URIRef(org_ref(cell))
    for cell in split_list(row["based_on"]):
        yield node, SG.basedOn, based_on_iri(cell)
    for code in split_list(row["operates_in"]):
        yield node, SG.operatesIn, market_ref(code)
    if row["established"]:
        yield node, SG.established, date_literal(row["established"])
    if scope := text(row["product_scope_text"], "en"):
        yield node, SG.productScopeText, scope
    if note := text(row["note"], "en"):
        yield node, RDFS.comment, note
    yield from sourced(node, row["source"], row["confidence"])


def organisation_key(row: Mapping[str, str]) -> str:
    """The acronym, else the English name: the key schemes.csv names the organisation by."""
    key = row["acronym"] or row["name_en"]
    if not key:
        raise CellError("an organisation needs an acronym or an English name")
    return key


def organisation_triples(row: Mapping[str, str]) -> Iterator[Triple]:
    """One organisation with its classes, names, acronym and jurisdiction."""
    country = row["country"].strip().upper()
    node = URIRef(org(organisation_key(row), country or None))
    yield node, RDF.type, ORG.Organization
    types = split_list(row["types"])
    if not types:
        raise CellError(f"an organisation needs a type: one or more of {', '.join(ORG_TYPES)}")
    for name in types:
        if name not in ORG_TYPES:
            raise CellError(f"organisation type {name!r} is not one of: {', '.join(ORG_TYPES)}")
        yield node, RDF.type, ORG_TYPES[name]
    if row["acronym"]:
        yield node, SG.acronym, Literal(row["acronym"])
    for value, lang in ((row["name_en"], "en"), (row["name_zh"], "zh")):
        if name := text(value, lang):
            yield node, SKOS.prefLabel, name
    if country:
        yield node, SG.jurisdiction, market_ref(country)
    yield from sourced(node, row["source"], row["confidence"])


def triples(src: SourceInput) -> Iterator[Triple]:
    """Organisations, then the schemes that name them."""
    yield from checked_rows(src, ORGANISATIONS, organisation_triples)
    yield from checked_rows(src, SCHEMES, scheme_triples)
