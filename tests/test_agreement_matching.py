"""One entity per agreement: keys, party codes and the match rules, on literal rows and on the real files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ingest import agreement_matching as am
from ingest import tota
from stdgraph import config

DATA = config.shared_data_dir()
DESTA_CSV = DATA / am.DESTA_FOLDER / am.DESTA_FILE
TREND_CSV = DATA / "trend-environmental-provisions" / "trend2022.csv"
TOTA_CSV = DATA / "tota-trade-agreement-texts" / "tota_metadata.csv"
CURATED = config.CURATED_DIR / "trade_agreements.csv"


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


@pytest.fixture(scope="module")
def desta() -> am.DestaIndex:
    return am.DestaIndex(am.desta_entry(row) for row in am.read_desta(DESTA_CSV))


@pytest.mark.parametrize(
    ("number", "key"),
    [("862", "desta-862"), ("62+1", "desta-62-plus-1"), ("22_1", "desta-22-1"), ("694a", "desta-694a")],
)
def test_desta_numbers_become_keys(number: str, key: str) -> None:
    assert am.desta_key(number) == key


def test_no_two_desta_numbers_share_a_key() -> None:
    numbers = [row["number"] for row in _rows(DESTA_CSV, ";")]
    assert len({am.desta_key(n) for n in numbers}) == len(set(numbers)) == len(numbers)


def test_bad_desta_number_is_refused() -> None:
    with pytest.raises(ValueError, match="not a DESTA number"):
        am.desta_key("86 2")


def test_party_codes_map_to_markets_or_are_reported() -> None:
    assert am.numeric_party("156") == "CN"
    assert am.numeric_party("4") == "AF"  # DESTA drops the leading zeros
    assert am.alpha3_party("CHE") == "CH"
    assert am.numeric_party("900") is None  # Kosovo: no ISO 3166-1 code, reported
    with pytest.raises(ValueError, match="not an ISO 3166-1 numeric code"):
        am.numeric_party("999")


def test_a_name_of_country_names_gives_its_parties() -> None:
    assert am.name_parties("Chile China") == {"CL", "CN"}
    assert am.name_parties("Iceland Liechtenstein Norway UK") == {"IS", "LI", "NO", "GB"}
    assert am.name_parties("Regional Comprehensive Economic Partnership (RCEP)") is None


def test_trend_labels_split_at_the_first_and_last_underscore() -> None:
    assert am.label_parts("222_China_New_Zealand_2008") == ("222", "China_New_Zealand", "2008")


def test_switzerland_china_matches_desta_862_by_parties_and_year(desta: am.DestaIndex) -> None:
    row = next(r for r in _rows(TOTA_CSV) if r["treaty_identifier"] == "376")
    match = desta.match(tota.entry(row))
    assert (match.desta, match.rule) == ("862", "parties-year")


def test_a_consolidated_copy_does_not_make_a_match_ambiguous(desta: am.DestaIndex) -> None:
    copies = [e for e in desta.by_number.values() if e.entry_type == "consolidated"]
    assert copies
    copy = copies[0]
    original = desta.match(am.Entry("test", "x", copy.name, copy.year, copy.parties))
    assert original.matched and original.desta != copy.id


def test_tota_rows_either_match_or_are_reported(desta: am.DestaIndex) -> None:
    rows = _rows(TOTA_CSV)
    matches = [desta.match(tota.entry(r)) for r in rows]
    unmatched = [m for m in matches if not m.matched]
    assert all(m.note for m in unmatched)
    assert len(matches) == len(rows)
    # Every rule that matches agrees on the year, the shared key of rules 2-4.
    for m in matches:
        if m.matched:
            assert desta.by_number[m.desta].year == m.entry.year


def test_curated_desta_column_follows_the_rules(desta: am.DestaIndex) -> None:
    """The `desta` column of data/curated/trade_agreements.csv is what the rules find in DESTA and TREND."""
    trend = am.trend_only(TREND_CSV, desta)
    rows = _rows(CURATED)
    found = {r["key"]: am.curated_match(r, desta, trend) for r in rows}
    assert {r["key"]: r["desta"] for r in rows} == {k: m.desta or "" for k, m in found.items()}
    swiss = found["cn-ch-fta"]
    assert (swiss.desta, swiss.rule) == ("862", "parties-year")
    # Curated FTAs that no data set holds keep their own key, and are listed here.
    unmatched = sorted(k for k, m in found.items() if not m.matched)
    assert unmatched == sorted(r["key"] for r in rows if not r["desta"])
