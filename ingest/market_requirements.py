"""Market requirements on green and low-carbon grounds (EU CBAM, batteries, ecolabel, EUDR; AU, JP, KR).

Each row of `shared/data/market-requirements/requirements.csv` is one requirement a market places on products,
with the legal basis, evidence and the standards or methods as printed. Product codes are kept as printed
(CN codes) and linked to the HS 2022 subheading they begin with; standards are linked only where
`stdgraph.identifiers.parse` reads the reference the text names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rdflib import Literal, URIRef

from stdgraph.identifiers import IdentifierError, parse
from stdgraph.namespaces import DCTERMS, RDF, RDFS, SG, SGID, SKOS, entity, market
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.terms import CellError, Triple, date_literal, sourced, split_list

FILE = "requirements.csv"
HS_VERSION = "2022"
COLUMNS = (
    "market", "requirement", "legal_basis", "product_scope_hs", "product_scope_text", "evidence_required",
    "standard_or_method", "who_verifies_or_accepts", "applies_from", "applies_until", "note", "source",
    "confidence",
)  # fmt: skip

SOURCE = Source(
    name="market-requirements",
    title="Market requirements for green and low-carbon trade (hand-compiled, sourced)",
    publisher="stdgraph (compiled from EUR-Lex, the Commission, Clean Energy Council, JET and others)",
    homepage="https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX%3A32023R1115&qid=1685447412955",
    licence="facts from public documents; cite each row's source (EU texts' reuse terms not verified)",
    location="shared:market-requirements",
    files=(DataFile(FILE, columns=COLUMNS),),
    triples=lambda src: triples(src),  # defined below
    description="Partial: see shared/data/market-requirements/SOURCE.md. Rules change; check the authority.",
)

_CODE = re.compile(r"^\d{4}(?: ?\d{2}){0,3}$")
_STANDARD = re.compile(
    r"\b(?:(?:AS/NZS|ISO/IEC|ISO/TS|ISO|IEC|EN|JIS|KS|KC|GB/T|GB|BS|DIN)\s+)+(?:[A-Z]\s+)?\d+(?:[-.]\d+)*(?::\d{4})?"
)


def hs_concept(code: str) -> URIRef:
    return URIRef(SGID[f"hs/{HS_VERSION}/{code}"])


def product_code_triples(node: URIRef, printed: str) -> Iterator[Triple]:
    """A printed CN/HS code: the CN code as text, and the HS 6-digit subheading it begins with.

    The Combined Nomenclature builds its 8-digit codes by subdividing HS subheadings, so a CN code's first six
    digits are its HS subheading (CN 2023 is based on HS 2022); codes shorter than six digits link as printed.
    """
    if not _CODE.match(printed):
        raise CellError(f"product code {printed!r} is not an HS/CN code such as '2814 10 00' or '281410'")
    digits = printed.replace(" ", "")
    if len(digits) == 8:
        yield node, SG.cnCode, Literal(digits)
    yield node, SG.productScope, hs_concept(digits[:6])


def standard_triples(node: URIRef, text: str) -> Iterator[Triple]:
    """Links to the standards the text names by a reference the identifier parser reads (e.g. 'IEC 61215')."""
    for match in _STANDARD.finditer(text):
        try:
            ref = parse(match.group(0))
        except IdentifierError:
            continue  # e.g. 'KC 62133': a publisher the parser does not know; the text keeps it
        work = URIRef(ref.standard_iri)
        yield work, RDF.type, SG.Standard
        yield work, DCTERMS.identifier, Literal(ref.work)
        if ref.is_edition:
            edition = URIRef(ref.edition_iri)
            yield edition, RDF.type, SG.Edition
            yield edition, DCTERMS.identifier, Literal(ref.canonical)
            yield edition, SG.editionOf, work
            yield node, SG.refersToStandard, edition
        else:
            yield node, SG.refersToStandard, work


def requirement_triples(row: dict[str, str]) -> Iterator[Triple]:
    """One requirement of one market, as the row states it."""
    if not row["requirement"]:
        raise CellError("requirement is blank")
    node = URIRef(entity("requirement", f"{row['market']} {row['requirement']}"))
    yield node, RDF.type, SG.MarketRequirement
    yield node, SG.market, URIRef(market(row["market"]))
    yield node, SKOS.prefLabel, Literal(row["requirement"], lang="en")
    for cell, prop in (
        ("legal_basis", SG.legalBasis),
        ("product_scope_text", SG.productScopeText),
        ("evidence_required", SG.evidenceRequired),
        ("standard_or_method", SG.standardOrMethod),
        ("who_verifies_or_accepts", SG.verifiedBy),
        ("note", RDFS.comment),
    ):
        if row[cell]:
            yield node, prop, Literal(row[cell], lang="en")
    for printed in split_list(row["product_scope_hs"]):
        yield from product_code_triples(node, printed)
    yield from standard_triples(node, row["standard_or_method"])
    for cell, prop in (("applies_from", SG.appliesFrom), ("applies_until", SG.appliesUntil)):
        if row[cell]:
            yield node, prop, date_literal(row[cell])
    yield from sourced(node, row["source"], row["confidence"])


def triples(src: SourceInput) -> Iterator[Triple]:
    for line, row in src.rows(FILE):
        try:
            yield from requirement_triples(row)
        except (CellError, ValueError) as exc:
            raise SourceDataError(f"{FILE}, line {line}: {exc}") from None
