"""Markets: every ISO 3166-1 country (from pycountry) and the European Union with its member states.

Countries come from the `pycountry` package, which ships Debian's iso-codes copy of ISO 3166-1 and its
translations, so no country is typed by hand; the EU is not an ISO 3166-1 country and is curated in
`data/curated/unions.csv` with a source per member state.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from importlib.metadata import version

import pycountry
import pycountry.db
from rdflib import Literal, URIRef

from stdgraph.namespaces import DCTERMS, RDF, SG, SKOS, market
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.terms import CellError, Triple, sourced

ISO_CODES = "https://salsa.debian.org/iso-codes-team/iso-codes"
UNIONS_FILE = "unions.csv"
UNION_NAMES = {"EU": "European Union"}
"""Unions this source knows, by the code `stdgraph.namespaces.market` takes."""

_ZH = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])

SOURCE = Source(
    name="markets",
    title="Markets: ISO 3166-1 countries and the European Union",
    publisher="ISO 3166 Maintenance Agency, via Debian iso-codes (pycountry); European Union",
    homepage=ISO_CODES,
    licence="LGPL-2.1 (pycountry / iso-codes); EU membership: cite each row's source",
    location="curated",
    files=(DataFile(UNIONS_FILE, columns=("union", "member_iso2", "source", "confidence")),),
    triples=lambda src: triples(src),  # defined below
    description=f"pycountry {version('pycountry')}: ISO 3166-1 alpha-2, numeric, English and zh_CN names.",
)


def country_triples(country: pycountry.db.Country) -> Iterator[Triple]:
    """One pycountry record as an `sg:Country`; the zh label only where iso-codes translates the name."""
    node = URIRef(market(country.alpha_2))
    name = country.name
    yield node, RDF.type, SG.Country
    yield node, SG.iso3166Alpha2, Literal(country.alpha_2)
    yield node, SG.iso3166Numeric, Literal(country.numeric)
    yield node, SKOS.prefLabel, Literal(name, lang="en")
    chinese = _ZH.gettext(name)
    if chinese != name:
        yield node, SKOS.prefLabel, Literal(chinese, lang="zh")
    yield node, DCTERMS.source, URIRef(ISO_CODES)


def union_triples(row: dict[str, str]) -> Iterator[Triple]:
    """One member state of a union, with the row's source on the union."""
    code = row["union"].strip().upper()
    if code not in UNION_NAMES:
        raise CellError(f"union {row['union']!r} is not one of {', '.join(UNION_NAMES)}")
    member = row["member_iso2"].strip().upper()
    if pycountry.countries.get(alpha_2=member) is None:
        raise CellError(f"member_iso2 {row['member_iso2']!r} is not an ISO 3166-1 alpha-2 code")
    node = URIRef(market(code))
    yield node, RDF.type, SG.Union
    yield node, SKOS.prefLabel, Literal(UNION_NAMES[code], lang="en")
    yield node, SG.memberState, URIRef(market(member))
    yield from sourced(node, row["source"], row["confidence"])


def triples(src: SourceInput) -> Iterator[Triple]:
    """All countries, then the curated unions."""
    for country in pycountry.countries:
        yield from country_triples(country)
    for line, row in src.rows(UNIONS_FILE):
        try:
            yield from union_triples(row)
        except CellError as exc:
            raise SourceDataError(f"{UNIONS_FILE}, line {line}: {exc}") from None
