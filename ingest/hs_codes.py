"""HS 2022: the Harmonized System as a SKOS hierarchy (sections, chapters, headings, subheadings).

Market requirements and certification schemes scope products by HS code; a 6-digit subheading inherits
the requirements of its heading and chapter through `skos:broader`. Source: the Frictionless
`harmonized-system` core dataset (UN Comtrade's HS 2022), PDDL 1.0.

The hierarchy is checked while it is read: a code's `level` column must be its number of digits, its
`parent` must be the code it begins with (chapters: `TOTAL`) and must come before it, its section must be
one of `sections.csv`, and no code may appear twice. `skos:broader` and `skos:narrower` are both stated,
and the scheme names its top concepts (the 21 sections, and chapter 99, which belongs to no section).
"""

from __future__ import annotations

import re
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


def top_concept(node: URIRef) -> Iterator[Triple]:
    yield node, SKOS.topConceptOf, SCHEME
    yield SCHEME, SKOS.hasTopConcept, node


def broader(node: URIRef, parent: URIRef) -> Iterator[Triple]:
    yield node, SKOS.broader, parent
    yield parent, SKOS.narrower, node


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
    yield node, SG.hsLevel, Literal("section")
    yield from top_concept(node)


def check_code(row: dict[str, str], sections: set[str], seen: set[str]) -> str:
    """The code's level, after checking the row against the hierarchy read so far."""
    code, parent = row["hscode"], row["parent"]
    level = LEVELS.get(len(code))
    if not code.isdigit() or level is None:
        raise ValueError(f"HS code {code!r} is not 2, 4 or 6 digits")
    if row["level"] != str(len(code)):
        raise ValueError(f"HS code {code!r} has level {row['level']!r}; a {level} has {len(code)} digits")
    if code in seen:
        raise ValueError(f"HS code {code!r} appears twice")
    if not row["description"]:
        raise ValueError(f"HS code {code!r} has no description")
    if level == "chapter":
        if parent != TOTAL:
            raise ValueError(f"chapter {code!r} has parent {parent!r}; chapters have parent {TOTAL}")
    elif len(parent) != len(code) - 2 or not code.startswith(parent):
        raise ValueError(f"HS code {code!r} has parent {parent!r}, which is not the code it begins with")
    elif parent not in seen:
        raise ValueError(f"HS code {code!r} comes before its parent {parent!r} (or the parent is missing)")
    if row["section"] not in sections and row["section"] != TOTAL:
        raise ValueError(f"HS code {code!r} is in section {row['section']!r}, which sections.csv lacks")
    return level


def code_triples(row: dict[str, str], sections: set[str], seen: set[str] | None = None) -> Iterator[Triple]:
    """One code; chapters hang under their section, the rest under their parent code."""
    code = row["hscode"]
    seen = seen if seen is not None else {row["parent"]}
    level = check_code(row, sections, seen)
    seen.add(code)
    node = code_iri(code)
    yield node, RDF.type, SG.HSCode
    yield node, SKOS.notation, Literal(code)
    yield node, SKOS.prefLabel, Literal(row["description"], lang="en")
    yield node, SKOS.inScheme, SCHEME
    yield node, SG.hsLevel, Literal(level)
    if level != "chapter":
        yield from broader(node, code_iri(row["parent"]))
    elif row["section"] in sections:
        yield from broader(node, section_iri(row["section"]))
    else:  # chapters 98-99 (national use; the file has 99, "not specified") belong to no section
        yield from top_concept(node)


def triples(src: SourceInput) -> Iterator[Triple]:
    yield from scheme_triples()
    sections: set[str] = set()
    for line, row in src.rows("sections.csv"):
        if not re.fullmatch(r"[IVX]+", row["section"]) or row["section"] in sections or not row["name"]:
            raise SourceDataError(
                f"sections.csv, line {line}: section {row['section']!r} needs a new Roman numeral and a name"
            )
        sections.add(row["section"])
        yield from section_triples(row)
    seen: set[str] = set()
    for line, row in src.rows("harmonized-system.csv"):
        if row["hscode"] == TOTAL:  # the file's grand-total row, not a code
            continue
        try:
            yield from code_triples(row, sections, seen)
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
