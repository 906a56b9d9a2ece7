"""The APEC List of Environmental Goods (2012) as a SKOS collection over HS codes, in its own HS version.

The list's 54 codes are HS2007 subheadings (`shared/data/environmental-goods/SOURCE.md`), so each becomes
a concept of an HS 2007 scheme (`sgid:hs/2007/{code}`) rather than an HS 2022 one: codes were split and
moved between versions. A listed code is linked to the HS 2022 code with the same digits
(`sg:sameHSCode`) only where HS 2022 has that code; the others are reported in the provenance record
(`sg:buildNote`) and stay unlinked, because a concordance is many-to-many and is not among the sources.

Each line of the list is an `sg:ListedGood` with its source and evidence level; the list's description
and ex-out text, read for a few lines only, are added to their line as printed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rdflib import Literal, URIRef

from ingest import hs_codes
from stdgraph.namespaces import DCTERMS, RDF, RDFS, SG, SGID, SKOS, entity
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.terms import CellError, Triple, sourced, text

CODES_FILE = "apec_2012_hs2007_codes.csv"
DESCRIPTIONS_FILE = "apec_2012_environmental_goods.csv"
HS_FILE = "harmonized-system.csv"
LIST_KEY = "APEC 2012"
VINTAGE = "HS2007"
VERSION = "2007"
SCHEME = URIRef(SGID[f"hs/{VERSION}"])
LIST = URIRef(entity("goods-list", LIST_KEY))

SOURCE = Source(
    name="environmental-goods",
    title="APEC List of Environmental Goods (2012), HS2007 codes",
    publisher="APEC (Leaders' Declaration 2012, Annex C), as reproduced in OECD TEWP 2014/03, Table A.1",
    homepage="https://ustr.gov/about-us/policy-offices/press-office/fact-sheets/2012/september/apec-environmental-goods",
    licence="facts from public documents (no licence stated); cite each row's source",
    location="shared:environmental-goods",
    files=(
        DataFile(CODES_FILE, columns=("hs_code", "hs_vintage", "list", "source", "confidence", "note")),
        DataFile(
            DESCRIPTIONS_FILE,
            columns=("hs_code", "hs_vintage", "description", "ex_out", "source", "confidence"),
        ),
    ),
    triples=lambda src: triples(src),  # defined below
    description="Partial: all 54 codes, descriptions for few (shared/data/environmental-goods/SOURCE.md). "
    "Codes are HS2007; linked to HS 2022 only where the same code exists there.",
)


def code_iri(code: str) -> URIRef:
    return URIRef(SGID[f"hs/{VERSION}/{code}"])


def line_iri(code: str) -> URIRef:
    return URIRef(entity("listed-good", f"{LIST_KEY} {code}"))


def scheme_triples() -> Iterator[Triple]:
    yield SCHEME, RDF.type, SKOS.ConceptScheme
    yield SCHEME, SKOS.prefLabel, Literal("Harmonized System 2007", lang="en")
    yield SCHEME, SKOS.prefLabel, Literal("协调制度 2007", lang="zh")


def list_triples(row: dict[str, str]) -> Iterator[Triple]:
    yield LIST, RDF.type, SG.EnvironmentalGoodsList
    yield LIST, RDF.type, SKOS.Collection
    yield LIST, SKOS.prefLabel, Literal(row["list"], lang="en")
    yield from sourced(LIST, row["source"], row["confidence"])


def checked_code(row: dict[str, str]) -> str:
    code = row["hs_code"]
    if not (len(code) == 6 and code.isdigit()):
        raise CellError(f"hs_code {code!r} is not a 6-digit HS subheading")
    return code


def code_triples(row: dict[str, str], hs2022: set[str]) -> Iterator[Triple]:
    """One line of the list: its HS2007 concept, the line, and the HS 2022 code with the same digits."""
    code = checked_code(row)
    if row["hs_vintage"] != VINTAGE:
        raise CellError(f"hs_vintage {row['hs_vintage']!r}: this list's codes are {VINTAGE}")
    concept, line = code_iri(code), line_iri(code)
    yield concept, RDF.type, SG.HSCode
    yield concept, SKOS.notation, Literal(code)
    yield concept, SKOS.inScheme, SCHEME
    yield concept, SG.hsLevel, Literal("subheading")
    yield LIST, SKOS.member, concept
    yield line, RDF.type, SG.ListedGood
    yield line, SG.onList, LIST
    yield line, SG.listedCode, concept
    if note := text(row["note"], "en"):
        yield line, RDFS.comment, note
    yield from sourced(line, row["source"], row["confidence"])
    if code in hs2022:
        yield concept, SG.sameHSCode, hs_codes.code_iri(code)


def description_triples(row: dict[str, str], listed: set[str]) -> Iterator[Triple]:
    """The list's own words for a line, as printed (the vintage cell may say 'unstated')."""
    code = checked_code(row)
    if code not in listed:
        raise CellError(f"hs_code {code} is not one of the list's codes in {CODES_FILE}")
    line = line_iri(code)
    for cell, prop in (("description", DCTERMS.description), ("ex_out", SG.exOut)):
        if value := text(row[cell], "en"):
            yield line, prop, value
    yield from sourced(line, row["source"], row["confidence"])


def hs2022_folder(src: SourceInput) -> Path:
    """HS 2022 beside this source's folder (a --data-dir layout), else where the hs-2022 source reads it."""
    sibling = src.directory.parent / hs_codes.SOURCE.location.removeprefix("shared:")
    return sibling if (sibling / HS_FILE).is_file() else hs_codes.SOURCE.default_dir()


def hs2022_codes(src: SourceInput) -> set[str]:
    """The 6-digit codes of HS 2022; the file's checksum joins this source's provenance."""
    hs_input = SourceInput(hs_codes.SOURCE, hs2022_folder(src))
    codes = {row["hscode"] for _line, row in hs_input.rows(HS_FILE) if len(row["hscode"]) == 6}
    folder = hs_codes.SOURCE.location.removeprefix("shared:")
    src.checksums[f"{folder}/{HS_FILE}"] = hs_input.checksums[HS_FILE]
    return codes


def unmatched_note(unmatched: list[str], total: int) -> str:
    return (
        f"{len(unmatched)} of the {total} codes of the APEC list (HS2007) have no HS 2022 code with the same "
        f"digits and are not linked to HS 2022: {', '.join(unmatched)}. A correlation table (WCO) would say "
        "where they went; none is among the sources."
    )


def triples(src: SourceInput) -> Iterator[Triple]:
    hs2022 = hs2022_codes(src)
    yield from scheme_triples()
    listed: list[str] = []
    for line, row in src.rows(CODES_FILE):
        try:
            if checked_code(row) in listed:
                raise CellError(f"hs_code {row['hs_code']} is listed twice")
            if not listed:
                yield from list_triples(row)
            yield from code_triples(row, hs2022)
        except CellError as exc:
            raise SourceDataError(f"{CODES_FILE}, line {line}: {exc}") from None
        listed.append(row["hs_code"])
    if not listed:
        raise SourceDataError(f"{CODES_FILE}: no codes")
    for line, row in src.rows(DESCRIPTIONS_FILE):
        try:
            yield from description_triples(row, set(listed))
        except CellError as exc:
            raise SourceDataError(f"{DESCRIPTIONS_FILE}, line {line}: {exc}") from None
    unmatched = [code for code in listed if code not in hs2022]
    src.notes.append(unmatched_note(unmatched, len(listed)))
