"""Emission factors from the Open Emission Factors Database (OEFDB, Climatiq), the 2022-05-12 file.

Each row is one factor: an activity (id, name, sector, category), the unit it is per, the figures the row
gives (kg CO2e with AR5 or AR4 GWPs, kg CO2, CH4, N2O, other gases), GHG Protocol scopes, life-cycle
stage, publisher, region and years, and the publisher's document as `dcterms:source`. `not-supplied`
and blank cells are left out, never read as zero. The evidence level is secondary: the figures were
read in the database, not in each publisher's document.

The database's stated key (activity id, source, year released, region) repeats: the same key can hold,
for example, a generation factor and its well-to-tank factor. The IRI therefore adds a short hash of
the unit, life-cycle stage, name and scopes, which tells every row of the file apart.

Links: a region written as an ISO 3166-1 alpha-2 code (or EU) links to that market. The file names no
HS code and no standard reference, so no factor is linked to either (see the tests, which check the
file for them).

Licence: CC BY-SA 4.0 (share-alike; the graph of this source stays CC BY-SA 4.0, attributed to the
OEFDB contributors and Climatiq). The project does not ship the file; this module reads it from
`shared/data/oefdb-emission-factors` or any folder or URL given to `stdgraph ingest`.

Terms are pyoxigraph's (114k triples, loaded without conversion, as the catalogues do); the typed
literals (figures, years) are still made by rdflib, so their lexical forms are rdflib's as before.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import quote

import pycountry
import pyoxigraph as ox
from rdflib import Literal

from stdgraph.namespaces import DCTERMS, RDF, SG, SKOS, XSD, entity, market
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.store import to_ox
from stdgraph.terms import CellError, OxTriple, evidence_level
from stdgraph.terms import ox_iri as _iri

FILE = "OpenEmissionFactorsDB.csv"
COLUMNS = (
    "sector", "category", "activity_id", "name", "activity_unit", "kgCO2e-AR5", "kgCO2e-AR4", "kgCO2",
    "kgCH4", "kgN2O", "kgCO2e-OtherGHGs-AR5", "kgCO2e-OtherGHGs-AR4", "uncertainty", "scope",
    "lca_activity", "source", "year_released", "years_valid", "years_calculated_from", "region",
    "data_quality", "contributor", "date_accessed", "description", "source_link",
)  # fmt: skip
FIGURES = {
    "kgCO2e-AR5": _iri(SG.kgCO2eAR5),
    "kgCO2e-AR4": _iri(SG.kgCO2eAR4),
    "kgCO2": _iri(SG.kgCO2),
    "kgCH4": _iri(SG.kgCH4),
    "kgN2O": _iri(SG.kgN2O),
    "kgCO2e-OtherGHGs-AR5": _iri(SG.kgCO2eOtherGHGsAR5),
    "kgCO2e-OtherGHGs-AR4": _iri(SG.kgCO2eOtherGHGsAR4),
}
TYPE, LABEL, DESCRIPTION, SOURCE_DOC = map(
    _iri, (RDF.type, SKOS.prefLabel, DCTERMS.description, DCTERMS.source)
)
EMISSION_FACTOR, ACTIVITY_ID, ACTIVITY_UNIT, SECTOR, CATEGORY = map(
    _iri, (SG.EmissionFactor, SG.activityId, SG.activityUnit, SG.sector, SG.activityCategory)
)
GHG_SCOPE, LCA_ACTIVITY, FACTOR_SOURCE, REGION_CODE, REGION = map(
    _iri, (SG.ghgScope, SG.lcaActivity, SG.factorSource, SG.regionCode, SG.region)
)
YEAR_RELEASED, DATA_YEAR, VALID_FROM, VALID_UNTIL, EVIDENCE_LEVEL = map(
    _iri, (SG.yearReleased, SG.dataYear, SG.validFromYear, SG.validUntilYear, SG.evidenceLevel)
)
SECONDARY = _iri(evidence_level("V*"))  # read in the database, not the publisher
NOT_SUPPLIED = {"", "not-supplied"}
LICENCE = "CC-BY-SA-4.0"

SOURCE = Source(
    name="emission-factors",
    title="Open Emission Factors Database (Climatiq), 2022-05-12",
    publisher="Climatiq and the OEFDB contributors; each factor's publisher is named in the factor",
    homepage="https://github.com/climatiq/Open-Emission-Factors-DB",
    licence=LICENCE,
    location="shared:oefdb-emission-factors",
    retrieved="2022-05-12",
    files=(DataFile(FILE, columns=COLUMNS),),
    triples=lambda src: triples(src),  # defined below
    default=False,
    description="CC BY-SA 4.0: share-alike, attribute the OEFDB contributors and Climatiq; some publishers "
    "(GHG Protocol/Quantis, EXIOBASE) carry their own terms. 2022-era figures: example data, not a current "
    "authoritative set. Read from the user's file; stdgraph does not ship it.",
)

_URL = re.compile(r"^https?://\S+$")
_IRI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
_YEAR = re.compile(r"^\d{4}$")
_YEARS = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


def factor_iri(row: dict[str, str]) -> ox.NamedNode:
    """Readable key (source, year, region, activity) plus a hash of what tells repeated keys apart."""
    extra = "\x1f".join(row[c] for c in ("activity_unit", "lca_activity", "name", "scope"))
    digest = hashlib.sha1(extra.encode("utf-8")).hexdigest()[:8]
    key = f"{row['source']} {row['year_released']} {row['region']} {row['activity_id']} {digest}"
    return _iri(entity("emission-factor", key))


def figure(cell: str, column: str) -> ox.Literal | None:
    """A figure as xsd:decimal (exponents written out), or None where the source gives none."""
    if cell in NOT_SUPPLIED:
        return None
    try:
        value = Decimal(cell)
    except InvalidOperation:
        raise CellError(f"{column} {cell!r} is not a number (or 'not-supplied')") from None
    if not value.is_finite():
        raise CellError(f"{column} {cell!r} is not a finite number")
    return to_ox(Literal(format(value, "f"), datatype=XSD.decimal))  # type: ignore[return-value]


def source_document(cell: str) -> ox.NamedNode:
    """The publisher's document: one URL, with the characters IRIs forbid (`{`, `}`) percent-encoded."""
    if not _URL.match(cell):
        raise CellError(f"source_link {cell!r} is not one http(s) URL")
    try:
        return _iri(quote(cell, safe=_IRI_SAFE))
    except ValueError as exc:
        raise CellError(f"source_link {cell!r} is not a valid IRI ({exc})") from None


def year(cell: str, column: str) -> ox.Literal:
    if not _YEAR.match(cell):
        raise CellError(f"{column} {cell!r} is not a year (YYYY)")
    return _year(cell)


@lru_cache(maxsize=1024)
def _year(cell: str) -> ox.Literal:
    return to_ox(Literal(cell, datatype=XSD.gYear))  # type: ignore[return-value]


@lru_cache(maxsize=1024)
def region_market(code: str) -> ox.NamedNode | None:
    """The market of an ISO 3166-1 alpha-2 region (or EU); subdivisions, grid areas and GLOBAL have none."""
    if code == "EU" or (len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None):
        return _iri(market(code))
    return None


def factor_triples(row: dict[str, str]) -> Iterator[OxTriple]:
    """One row of the database as one emission factor."""
    for column in ("activity_id", "name", "activity_unit", "source", "region", "source_link"):
        if not row[column]:
            raise CellError(f"{column} is blank")
    node = factor_iri(row)
    yield node, TYPE, EMISSION_FACTOR
    yield node, ACTIVITY_ID, ox.Literal(row["activity_id"])
    yield node, LABEL, ox.Literal(row["name"], language="en")
    yield node, ACTIVITY_UNIT, ox.Literal(row["activity_unit"])
    for column, prop in (("sector", SECTOR), ("category", CATEGORY)):
        if row[column]:
            yield node, prop, ox.Literal(row[column])
    figures = [(prop, figure(row[column], column)) for column, prop in FIGURES.items()]
    if all(value is None for _, value in figures):
        raise CellError(f"no figure: every one of {', '.join(FIGURES)} is blank or not-supplied")
    for prop, value in figures:
        if value is not None:
            yield node, prop, value
    for scope in row["scope"].split("|"):
        if scope.strip() not in NOT_SUPPLIED:
            yield node, GHG_SCOPE, ox.Literal(scope.strip())
    if row["lca_activity"] not in NOT_SUPPLIED:
        yield node, LCA_ACTIVITY, ox.Literal(row["lca_activity"])
    yield node, FACTOR_SOURCE, ox.Literal(row["source"])
    yield node, REGION_CODE, ox.Literal(row["region"])
    if (place := region_market(row["region"])) is not None:
        yield node, REGION, place
    yield node, YEAR_RELEASED, year(row["year_released"], "year_released")
    yield from validity_triples(node, row["years_valid"])
    if row["years_calculated_from"] not in NOT_SUPPLIED:
        yield node, DATA_YEAR, year(row["years_calculated_from"], "years_calculated_from")
    if row["description"]:
        yield node, DESCRIPTION, ox.Literal(row["description"], language="en")
    yield node, SOURCE_DOC, source_document(row["source_link"])
    yield node, EVIDENCE_LEVEL, SECONDARY


def validity_triples(node: ox.NamedNode, cell: str) -> Iterator[OxTriple]:
    """`years_valid`: one year or a range `2019-2021`, in order."""
    if cell in NOT_SUPPLIED:
        return
    match = _YEARS.match(cell)
    if not match:
        raise CellError(f"years_valid {cell!r} is not a year or a range such as 2019-2021")
    first, last = match.group(1), match.group(2) or match.group(1)
    if last < first:
        raise CellError(f"years_valid {cell!r} ends before it starts")
    yield node, VALID_FROM, _year(first)
    yield node, VALID_UNTIL, _year(last)


def triples(src: SourceInput) -> Iterator[OxTriple]:
    seen: dict[ox.NamedNode, int] = {}
    for line, row in src.rows(FILE):
        try:
            node = factor_iri(row)
            if node in seen:
                raise CellError(
                    f"repeats the factor of line {seen[node]} (same activity, source, year, region, unit, "
                    "life-cycle stage, name and scope)"
                )
            seen[node] = line
            yield from factor_triples(row)
        except (CellError, ValueError) as exc:
            raise SourceDataError(f"{FILE}, line {line}: {exc}") from None
    if not seen:
        raise SourceDataError(f"{FILE}: no rows")
