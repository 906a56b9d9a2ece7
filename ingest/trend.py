"""TREND 2022: 298 environmental-provision variables coded for 775 trade agreements (Morin, Dür, Lechner).

Each variable becomes a SKOS concept of the TREND provision scheme (`sgid:vocab/trend/{code}`, e.g.
`sgid:vocab/trend/14.04.26`), labelled from its column name (the codebook is a .docx the data set does not
include, so the label is the column's words; the column itself is kept as `dcterms:identifier`). Each 1 in a
row becomes one triple `agreement sg:hasProvisionCode concept`; zeros are not stated. Agreements take their
IRI by `ingest.agreement_matching` (the DESTA number TREND carries); rows that DESTA lacks are described here
with their name and year.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from rdflib import Literal, URIRef

from ingest.agreement_matching import DestaIndex, agreement, desta_beside, desta_key, label_parts, report
from stdgraph.namespaces import DCTERMS, RDF, RDFS, SG, SGID, SKOS, XSD, slugify, vocab
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.terms import Triple

FILE = "trend2022.csv"
HOMEPAGE = "http://chaire-epi.ulaval.ca/fr/node/640"
SCHEME = URIRef(SGID["vocab/trend"])
SECONDARY = URIRef(vocab("evidence-level", "secondary"))
_COLUMN = re.compile(r"^X(\d+(?:\.\d+)*)\.?(.*)$")

SOURCE = Source(
    name="trend",
    title="TREND 2022: environmental provisions in 775 trade agreements",
    publisher="Jean-Frédéric Morin, Andreas Dür and Lisa Lechner (Université Laval)",
    homepage=HOMEPAGE,
    licence="no explicit licence: free download for research; cite Morin, J.-F., A. Dür and L. Lechner "
    "(2018), Mapping the trade and environment nexus: Insights from a new dataset, Global Environmental "
    "Politics 18(1): 122-139. Not in the default graph: confirm with the authors before redistributing.",
    location="shared:trend-environmental-provisions",
    retrieved="2026-01-15",
    default=False,
    files=(DataFile(FILE, ("Trade.Agreement", "Number", "Year"), delimiter=";"),),
    triples=lambda src: triples(src),  # defined below
    description="trend2022.csv (EdoDeo0/Paper_PTA at 1819d73, the TREND 2022 download): each coded 1 as "
    "sg:hasProvisionCode from the agreement to the variable's concept.",
)


def variable(column: str) -> tuple[str, str] | None:
    """`X14.04.26.Other.ref.Paris.Climate.Agreement` -> ('14.04.26', 'Other ref Paris Climate Agreement')."""
    match = _COLUMN.match(column)
    if not match:
        return None
    code, words = match.groups()
    return code, re.sub(r"\s+", " ", words.replace(".", " ")).strip()


def concept(code: str) -> URIRef:
    return URIRef(vocab("trend", code))


def scheme_triples() -> Iterator[Triple]:
    yield SCHEME, RDF.type, SKOS.ConceptScheme
    yield SCHEME, RDF.type, SG.ProvisionScheme
    yield SCHEME, SKOS.prefLabel, Literal("TREND environmental provisions (2022)", lang="en")
    yield SCHEME, SKOS.prefLabel, Literal("TREND 环境条款 (2022)", lang="zh")
    yield SCHEME, DCTERMS.source, URIRef(HOMEPAGE)


def concept_triples(column: str, code: str, label: str) -> Iterator[Triple]:
    node = concept(code)
    yield node, RDF.type, SKOS.Concept
    yield node, SKOS.inScheme, SCHEME
    yield node, SKOS.notation, Literal(code)
    yield node, SKOS.prefLabel, Literal(label or column, lang="en")
    yield node, DCTERMS.identifier, Literal(column)
    yield (
        node,
        SKOS.definition,
        Literal(
            f"TREND codes an agreement 1 for this variable when it contains: {label or column}.", lang="en"
        ),
    )
    yield node, DCTERMS.source, URIRef(HOMEPAGE)


def assign_keys(
    rows: list[tuple[int, dict[str, str]]], desta: DestaIndex
) -> tuple[dict[str, str], list[str]]:
    """The agreement key of each row (rule 1 of agreement_matching) and the rows kept apart."""
    by_number: dict[str, list[dict[str, str]]] = defaultdict(list)
    for _, row in rows:
        by_number[row["Number"]].append(row)
    keys: dict[str, str] = {}
    apart: list[str] = []
    for number, group in by_number.items():
        chosen = group
        entry = desta.by_number.get(number)
        if len(group) > 1 and entry is not None:
            chosen = [r for r in group if r["Year"] == entry.year] or group
            if len(chosen) > 1:
                chosen = [r for r in chosen if label_parts(r["Trade.Agreement"])[1] == entry.name] or chosen
        for row in group:
            label = row["Trade.Agreement"]
            if (len(chosen) == 1 and row is chosen[0]) or len(group) == 1:
                keys[label] = desta_key(number)
            else:
                keys[label] = slugify(f"trend {label}")
                apart.append(label)
    return keys, apart


def agreement_triples(
    row: dict[str, str], key: str, codes: list[tuple[str, str]], desta: DestaIndex
) -> Iterator[Triple]:
    label = row["Trade.Agreement"]
    number, name, _ = label_parts(label)
    node = agreement(key)
    entry = desta.by_number.get(number) if key == desta_key(number) else None
    yield node, RDF.type, SG.TradeAgreement
    if entry is None or entry.name != name:
        yield node, SKOS.prefLabel if entry is None else SKOS.altLabel, Literal(name, lang="en")
    if key == desta_key(number):
        yield node, SG.destaNumber, Literal(number)
    else:
        yield (
            node,
            RDFS.comment,
            Literal(f"TREND files this agreement under DESTA number {number}.", lang="en"),
        )
    if (entry is None or entry.year is None) and row["Year"].isdigit():
        yield node, SG.signatureYear, Literal(row["Year"], datatype=XSD.gYear)
    for column, code in codes:
        cell = row[column]
        if cell == "1":
            yield node, SG.hasProvisionCode, concept(code)
        elif cell != "0":
            raise ValueError(f"{column} is {cell!r}, not 0 or 1")
    yield node, DCTERMS.source, URIRef(HOMEPAGE)
    yield node, SG.evidenceLevel, SECONDARY


def triples(src: SourceInput) -> Iterator[Triple]:
    desta = desta_beside(src)
    rows = list(src.rows(FILE))
    columns = list(rows[0][1]) if rows else []
    codes: list[tuple[str, str]] = []
    yield from scheme_triples()
    for column in columns:
        parsed = variable(column)
        if parsed:
            codes.append((column, parsed[0]))
            yield from concept_triples(column, *parsed)
    keys, apart = assign_keys(rows, desta)
    years: list[str] = []
    for line, row in rows:
        try:
            yield from agreement_triples(row, keys[row["Trade.Agreement"]], codes, desta)
        except ValueError as exc:
            raise SourceDataError(f"{FILE}, line {line}: {exc}") from None
        entry = desta.by_number.get(row["Number"])
        if (
            entry is not None
            and entry.year
            and entry.year != row["Year"]
            and keys[row["Trade.Agreement"]] == desta_key(entry.id)
        ):
            years.append(f"{row['Trade.Agreement']}: TREND {row['Year']}, DESTA {entry.year}")
    outside = [r["Trade.Agreement"] for _, r in rows if r["Number"] not in desta.by_number]
    src.notes.append(
        report("TREND rows whose number DESTA does not list (described from TREND alone)", outside)
    )
    src.notes.append(
        report("TREND rows that share their number with the DESTA entry but are another agreement", apart)
    )
    src.notes.append(report("TREND rows whose year differs from DESTA's (DESTA's year kept)", years))
