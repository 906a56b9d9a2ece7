"""DESTA: the Design of Trade Agreements list of preferential trade agreements (1948-2020) and their parties.

One `sg:TradeAgreement` per DESTA entry (base treaties, accessions, protocols, withdrawals, consolidated
versions and agreements under negotiation), keyed by its DESTA number (`ingest.agreement_matching`), with the
parties DESTA lists as ISO 3166-1 markets. DESTA gives years only, so they go to `sg:signatureYear` and
`sg:entryIntoForceYear`; the dated `sg:signedOn` comes from the sources that print the day (ToTA, curated).
Source: `globalgov/manytrade` (CC BY 4.0), citing Dür, Baccini and Elsig (2014).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from rdflib import Literal, URIRef

from ingest.agreement_matching import MISSING, PARTY_COLUMNS, agreement, desta_key, desta_parties, report
from stdgraph.namespaces import DCTERMS, RDF, SG, SKOS, XSD, market, vocab
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.terms import Triple

FILE = "DESTA.csv"
URL = (
    "https://github.com/globalgov/manytrade/blob/878032250b6893e75800f1f8432762f7fd66f28d/"
    "data-raw/agreements/DESTA/DESTA.csv"
)
SECONDARY = URIRef(vocab("evidence-level", "secondary"))
ENTRY_TYPES = {
    "base_treaty": "base-treaty",
    "accession": "accession",
    "negotiation": "negotiation",
    "protocol or amendment": "protocol-or-amendment",
    "withdrawal": "withdrawal",
    "consolidated": "consolidated",
}
MEMBERSHIP_TYPES = {
    "1": "bilateral",
    "2": "regional",
    "3": "plurilateral-with-third-country",
    "4": "interregional",
}
"""`typememb` as globalgov/manytreaties' prepare-DESTA.R reads it; 5-7 are left uncoded (see SOURCE.md)."""

SOURCE = Source(
    name="desta",
    title="DESTA: preferential trade agreements 1948-2020 and their parties",
    publisher="DESTA project (Dür, Baccini, Elsig), via the manytrade package (Graduate Institute Geneva)",
    homepage="https://www.designoftradeagreements.org/",
    licence="CC BY 4.0 (manytrade); cite Dür, A., L. Baccini and M. Elsig (2014), The Design of "
    "International Trade Agreements: Introducing a New Database, Review of International Organizations 9(3)",
    location="shared:desta-trade-agreements",
    retrieved="2024-01-23",
    default=False,  # until the build's validation context sees the types of other sources' nodes
    files=(
        DataFile(
            FILE,
            (
                "number",
                "base_treaty",
                "name",
                "entry_type",
                "year",
                "entryforceyear",
                "typememb",
                "wto_name",
                *PARTY_COLUMNS,
            ),
            delimiter=";",
        ),
    ),
    triples=lambda src: triples(src),  # defined below
    description="DESTA.csv from globalgov/manytrade at 8780322 (2024-01-23): 1,217 entries, parties as "
    "ISO 3166-1 numeric codes mapped to markets.",
)


def _year(cell: str, column: str) -> Literal | None:
    if cell == MISSING or not cell:
        return None
    if not (cell.isdigit() and len(cell) == 4):
        raise ValueError(f"{column} {cell!r} is not a year")
    return Literal(cell, datatype=XSD.gYear)


def agreement_triples(row: dict[str, str]) -> Iterator[Triple]:
    """One DESTA entry: number, name, type, years, parties and the base treaty it belongs to."""
    number = row["number"]
    node = agreement(desta_key(number))
    yield node, RDF.type, SG.TradeAgreement
    yield node, SKOS.prefLabel, Literal(row["name"], lang="en")
    if row["wto_name"] not in (MISSING, "", row["name"]):
        yield node, SKOS.altLabel, Literal(row["wto_name"], lang="en")
    yield node, SG.destaNumber, Literal(number)
    if row["entry_type"] not in ENTRY_TYPES:
        raise ValueError(f"entry_type {row['entry_type']!r} is not one of {', '.join(ENTRY_TYPES)}")
    yield node, SG.destaEntryType, URIRef(vocab("desta-entry-type", ENTRY_TYPES[row["entry_type"]]))
    if row["typememb"] in MEMBERSHIP_TYPES:
        yield node, SG.membershipType, URIRef(vocab("membership-type", MEMBERSHIP_TYPES[row["typememb"]]))
    for column, prop in (("year", SG.signatureYear), ("entryforceyear", SG.entryIntoForceYear)):
        year = _year(row[column], column)
        if year is not None:
            yield node, prop, year
    if row["base_treaty"] != number:
        yield node, SG.baseAgreement, agreement(desta_key(row["base_treaty"]))
    parties, _ = desta_parties(row)
    for code in parties:
        yield node, SG.party, URIRef(market(code))
    yield node, DCTERMS.source, URIRef(URL)
    yield node, SG.evidenceLevel, SECONDARY


def triples(src: SourceInput) -> Iterator[Triple]:
    unmapped: list[str] = []
    uncoded: Counter[str] = Counter()
    for line, row in src.rows(FILE):
        try:
            yield from agreement_triples(row)
            _, codes = desta_parties(row)
        except ValueError as exc:
            raise SourceDataError(f"{FILE}, line {line}: {exc}") from None
        if codes:
            unmapped.append(f"{row['number']} {row['name']}: {', '.join(codes)}")
        if row["typememb"] not in MEMBERSHIP_TYPES:
            uncoded[row["typememb"]] += 1
    src.notes.append(
        report("DESTA entries with a party that has no ISO 3166-1 market, left out of sg:party", unmapped)
    )
    src.notes.append(
        "typememb values without a published meaning in the data set, left uncoded: "
        + ", ".join(f"{k}: {n} entries" for k, n in sorted(uncoded.items()))
    )
