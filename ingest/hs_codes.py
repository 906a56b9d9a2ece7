"""HS 2022: the Harmonized System as a SKOS hierarchy (sections, chapters, headings, subheadings).

Market requirements and certification schemes scope products by HS code; a 6-digit subheading inherits
the requirements of its heading and chapter through `skos:broader`. Source: the Frictionless
`harmonized-system` core dataset (UN Comtrade's HS 2022), PDDL 1.0.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal, URIRef

from stdgraph.namespaces import DCTERMS, RDF, SG, SGID, SKOS
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.terms import Triple

VERSION = "2022"
SCHEME = URIRef(SGID[f"hs/{VERSION}"])
HOMEPAGE = "https://datahub.io/core/harmonized-system"
TOTAL = "TOTAL"
LEVELS = {2: "chapter", 4: "heading", 6: "subheading"}


def code_iri(code: str) -> URIRef:
    return URIRef(SGID[f"hs/{VERSION}/{code}"])


def section_iri(numeral: str) -> URIRef:
    return URIRef(SGID[f"hs/{VERSION}/section-{numeral}"])


def scheme_triples() -> Iterator[Triple]:
    yield SCHEME, RDF.type, SKOS.ConceptScheme
    yield SCHEME, SKOS.prefLabel, Literal("Harmonized System 2022", lang="en")
    yield SCHEME, SKOS.prefLabel, Literal("协调制度 2022", lang="zh")
    yield SCHEME, DCTERMS.source, URIRef(HOMEPAGE)


def section_triples(row: dict[str, str]) -> Iterator[Triple]:
    node = section_iri(row["section"])
    yield node, RDF.type, SG.HSCode
    yield node, SKOS.notation, Literal(row["section"])
    yield node, SKOS.prefLabel, Literal(row["name"], lang="en")
    yield node, SKOS.inScheme, SCHEME
    yield node, SKOS.topConceptOf, SCHEME
    yield node, SG.hsLevel, Literal("section")


def code_triples(row: dict[str, str], sections: set[str]) -> Iterator[Triple]:
    """One code; chapters hang under their section, the rest under their parent code."""
    code = row["hscode"]
    level = LEVELS.get(len(code))
    if not code.isdigit() or level is None:
        raise ValueError(f"HS code {code!r} is not 2, 4 or 6 digits")
    node = code_iri(code)
    yield node, RDF.type, SG.HSCode
    yield node, SKOS.notation, Literal(code)
    yield node, SKOS.prefLabel, Literal(row["description"], lang="en")
    yield node, SKOS.inScheme, SCHEME
    yield node, SG.hsLevel, Literal(level)
    if level != "chapter":
        yield node, SKOS.broader, code_iri(row["parent"])
    elif row["section"] in sections:
        yield node, SKOS.broader, section_iri(row["section"])
    else:  # chapters 98-99 (national use) belong to no section
        yield node, SKOS.topConceptOf, SCHEME


def triples(src: SourceInput) -> Iterator[Triple]:
    yield from scheme_triples()
    sections = set()
    for _line, row in src.rows("sections.csv"):
        sections.add(row["section"])
        yield from section_triples(row)
    for line, row in src.rows("harmonized-system.csv"):
        if row["hscode"] == TOTAL:  # the file's grand-total row, not a code
            continue
        try:
            yield from code_triples(row, sections)
        except ValueError as exc:
            raise SourceDataError(f"harmonized-system.csv, line {line}: {exc}") from None


SOURCE = Source(
    name="hs-2022",
    title="Harmonized System 2022 nomenclature",
    publisher="World Customs Organization, via UN Comtrade and the Frictionless core datasets",
    homepage=HOMEPAGE,
    licence="PDDL-1.0",
    location="shared:hs-harmonized-system",
    retrieved="2024-10-25",
    files=(
        DataFile("sections.csv", ("section", "name")),
        DataFile("harmonized-system.csv", ("section", "hscode", "description", "parent", "level")),
    ),
    triples=triples,
    description="HS 2022 sections, chapters, headings and subheadings as a SKOS hierarchy.",
)
