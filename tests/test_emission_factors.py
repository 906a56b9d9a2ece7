"""Emission factors (OEFDB 2022-05-12) on the real file: one factor per row, figures as given, the query."""

from __future__ import annotations

import csv
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pycountry
import pytest
from rdflib import Literal, URIRef

from ingest import emission_factors as ef
from ingest import markets
from stdgraph.build import ONTOLOGY, build
from stdgraph.namespaces import DCTERMS, RDF, SG, XSD
from stdgraph.queries import get_query
from stdgraph.sources import SourceDataError, read_source
from stdgraph.store import OxigraphStore, from_ox, rdflib_triple

FOLDER = ef.SOURCE.default_dir()


def csv_rows() -> list[dict[str, str]]:
    with (FOLDER / ef.FILE).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


ROWS = csv_rows()


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    """The factors built and validated the way `stdgraph build` does, with the markets they link to."""
    target = OxigraphStore()
    build(target, sources=[ONTOLOGY, markets.SOURCE, ef.SOURCE], progress=False)
    return target


def count(store: OxigraphStore, pattern: str) -> int:
    rows = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {pattern} }} }}", {"g": ef.SOURCE.graph_iri}
    )
    return int(rows.rows[0]["n"])


def test_every_row_is_one_factor_and_the_provenance_keeps_the_licence(store: OxigraphStore) -> None:
    assert count(store, "?f a sg:EmissionFactor") == len(ROWS)
    meta = store.select(
        "SELECT ?rows ?licence WHERE { GRAPH sgg:meta { ?g sg:rowCount ?rows ; dcterms:license ?licence } }",
        {"g": ef.SOURCE.graph_iri},
    ).rows
    assert int(meta[0]["rows"]) == len(ROWS) and str(meta[0]["licence"]) == "CC-BY-SA-4.0"


@pytest.mark.parametrize("column", sorted(ef.FIGURES))
def test_each_figure_is_there_exactly_where_the_row_gives_one(store: OxigraphStore, column: str) -> None:
    given = [r for r in ROWS if r[column] not in ("", "not-supplied")]
    prop = str(ef.FIGURES[column])  # <iri>, as n3() writes it
    assert count(store, f"?f {prop} ?v") == len(given)
    total = store.select(
        f"SELECT (SUM(?v) AS ?sum) WHERE {{ GRAPH ?g {{ ?f {prop} ?v }} }}", {"g": ef.SOURCE.graph_iri}
    ).rows[0]["sum"]
    assert Decimal(str(total)) == sum((Decimal(r[column]) for r in given), Decimal(0))


def test_regions_link_to_markets_only_for_iso_codes_and_the_eu(store: OxigraphStore) -> None:
    expected = [r for r in ROWS if r["region"] == "EU" or pycountry.countries.get(alpha_2=r["region"])]
    assert count(store, "?f sg:region ?m") == len(expected)
    assert count(store, "?f sg:regionCode ?r") == len(ROWS)


def test_no_hs_code_or_standard_is_linked_because_the_file_names_none(store: OxigraphStore) -> None:
    mention = re.compile(r"\b(?:HS|ISO|IEC|EN|GB/T|PAS)\s?\d{3,}", re.I)
    cells = [r[c] for r in ROWS for c in ("name", "description", "activity_id", "category")]
    assert not [c for c in cells if mention.search(c)]
    assert count(store, "?f sg:productScope|sg:refersToStandard|sg:basedOn ?x") == 0


def expected_rows(words: str, region: str | None, year: str | None) -> list[dict[str, str]]:
    def valid(r: dict[str, str]) -> bool:
        if year is None:
            return True
        if r["years_valid"]:
            first, _, last = r["years_valid"].partition("-")
            return first <= year <= (last or first)
        return r["year_released"] == year

    return [
        r
        for r in ROWS
        if (words in r["activity_id"].lower() or words in r["name"].lower())
        and (region is None or r["region"].lower() == region.lower())
        and valid(r)
    ]


@pytest.mark.parametrize(
    ("params", "words", "region", "year"),
    [
        ({"activity": "grid mix", "region": "CN"}, "grid mix", "CN", None),
        ({"activity": "Electricity", "region": "gb", "year": "2021"}, "electricity", "GB", "2021"),
        ({"activity": "diesel", "year": "2020"}, "diesel", None, "2020"),
    ],
)
def test_the_named_query_returns_the_factors_of_the_file(
    store: OxigraphStore, params: dict[str, str], words: str, region: str | None, year: str | None
) -> None:
    query = get_query("emission-factors")
    rows = store.select(query.sparql, query.bindings(params)).rows
    expected = expected_rows(words, region, year)
    assert expected, "pick parameters the file has factors for"
    assert len(rows) == len(expected)
    assert sorted(str(r["publisher"]) for r in rows) == sorted(r["source"] for r in expected)
    assert all(str(r["source"]).startswith("http") for r in rows)


def test_the_two_chinese_grid_mix_factors_of_the_source_md(store: OxigraphStore) -> None:
    query = get_query("emission-factors")
    rows = store.select(query.sparql, query.bindings({"activity": "grid mix", "region": "CN"})).rows
    found = {(str(r["publisher"]), str(r["released"]), str(r["kgCO2eAR4"])) for r in rows}
    assert {("GHG Protocol", "2017", "0.847"), ("CT", "2019", "0.555")} <= found


ROW = dict.fromkeys(ef.COLUMNS, "") | {
    "sector": "Energy",
    "category": "Electricity",
    "activity_id": "electricity-energy_source_grid_mix",
    "name": "Grid mix",
    "activity_unit": "kWh",
    "kgCO2e-AR4": "3.63E-05",
    "kgCO2": "not-supplied",
    "scope": "1|2",
    "source": "CT",
    "year_released": "2019",
    "years_valid": "2019-2021",
    "region": "CN",
    "source_link": "https://example.org/doc?id={ABC}",
}


def test_one_row_in_one_factor_out() -> None:
    triples = {rdflib_triple(t) for t in ef.factor_triples(ROW)}
    node = from_ox(ef.factor_iri(ROW))
    assert (node, RDF.type, SG.EmissionFactor) in triples
    assert (node, SG.kgCO2eAR4, Literal("0.0000363", datatype=XSD.decimal)) in triples
    assert not [t for t in triples if t[1] == SG.kgCO2]  # not-supplied is no figure, not zero
    assert {str(o) for _, p, o in triples if p == SG.ghgScope} == {"1", "2"}
    assert (node, SG.region, URIRef("https://w3id.org/stdgraph/id/market/CN")) in triples
    assert (node, SG.validUntilYear, Literal("2021", datatype=XSD.gYear)) in triples
    assert (node, DCTERMS.source, URIRef("https://example.org/doc?id=%7BABC%7D")) in triples


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kgCO2e-AR4": "0,5"}, "kgCO2e-AR4 '0,5' is not a number"),
        ({"kgCO2e-AR4": "not-supplied"}, "no figure"),
        ({"years_valid": "2021-2019"}, "ends before it starts"),
        ({"year_released": "2019-01"}, "not a year"),
        ({"activity_unit": ""}, "activity_unit is blank"),
    ],
)
def test_a_bad_cell_is_refused(change: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        list(ef.factor_triples(ROW | change))


def test_a_bad_row_in_the_real_file_is_named_with_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "oefdb"
    shutil.copytree(FOLDER, folder)
    path = folder / ef.FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(3, lines[2])  # line 4 repeats line 3
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SourceDataError, match=rf"{ef.FILE}, line 4: repeats the factor of line 3"):
        read_source(ef.SOURCE, folder)
