"""ICS: the International Classification for Standards as a SKOS concept scheme, from ISO Open Data.

Fields (``13``), groups (``13.020``) and sub-groups (``13.020.40``) become `sg:ICSCode` concepts with their
English and French titles (`skos:prefLabel`), scope notes (`skos:scopeNote`), `skos:broader` to the
``parent`` column and `skos:narrower` back; fields are the scheme's top concepts. Editions of the ISO and
IEC catalogues point at these concepts with `sg:ics`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from rdflib import Literal, URIRef

from stdgraph.namespaces import DCTERMS, RDF, SG, SGID, SKOS, ics
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.terms import Triple, text

ICS_FILE = "ICS.csv"
SCHEME = URIRef(SGID["ics"])
HOMEPAGE = "https://www.iso.org/open-data.html"
COLUMNS = ("identifier", "parent", "titleEn", "titleFr", "scopeEn", "scopeFr")
FILE_URL = "https://isopublicstorageprod.blob.core.windows.net/opendata/_latest/iso_ics/csv/ICS.csv"

SOURCE = Source(
    name="ics",
    title="International Classification for Standards (ICS), ISO Open Data",
    publisher="ISO (ISO Open Data)",
    homepage=HOMEPAGE,
    licence="ODC-By-1.0; attribution: Source: ISO Open Data, https://www.iso.org/open-data.html",
    location="shared:iso-open-data",
    retrieved="2026-05-02",
    default=False,
    files=(DataFile(ICS_FILE, COLUMNS),),
    triples=lambda src: triples(src),  # defined below
    description=(
        "ICS.csv (the sigma-standards/sigma-index copy at fe239c2, its '_fixed' variant) as a SKOS "
        "hierarchy: fields, groups and sub-groups with English and French titles and scope notes."
    ),
)


def scheme_triples() -> Iterator[Triple]:
    yield SCHEME, RDF.type, SKOS.ConceptScheme
    yield SCHEME, SKOS.prefLabel, Literal("International Classification for Standards", lang="en")
    yield SCHEME, SKOS.prefLabel, Literal("Classification internationale pour les normes", lang="fr")
    yield SCHEME, DCTERMS.source, URIRef(FILE_URL)


def code_triples(row: Mapping[str, str]) -> Iterator[Triple]:
    """One ICS code; a bad code raises ValueError with what was expected."""
    node = URIRef(ics(row["identifier"]))
    yield node, RDF.type, SG.ICSCode
    yield node, RDF.type, SKOS.Concept
    yield node, SKOS.notation, Literal(row["identifier"])
    yield node, SKOS.inScheme, SCHEME
    for column, prop, lang in (
        ("titleEn", SKOS.prefLabel, "en"),
        ("titleFr", SKOS.prefLabel, "fr"),
        ("scopeEn", SKOS.scopeNote, "en"),
        ("scopeFr", SKOS.scopeNote, "fr"),
    ):
        if value := text(row[column], lang):
            yield node, prop, value
    if row["parent"]:
        parent = URIRef(ics(row["parent"]))
        if not row["identifier"].startswith(row["parent"] + "."):
            raise ValueError(f"parent {row['parent']!r} is not the code above {row['identifier']!r}")
        yield node, SKOS.broader, parent
        yield parent, SKOS.narrower, node
    else:
        yield node, SKOS.topConceptOf, SCHEME
        yield SCHEME, SKOS.hasTopConcept, node


def triples(src: SourceInput) -> Iterator[Triple]:
    yield from scheme_triples()
    for line, row in src.rows(ICS_FILE):
        try:
            yield from code_triples(row)
        except ValueError as exc:
            raise SourceDataError(f"{ICS_FILE}, line {line}: {exc}") from None
