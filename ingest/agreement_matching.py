"""One entity per trade agreement across DESTA, TREND, ToTA and the curated FTAs: party codes and match rules.

An agreement IRI is minted from the first key that applies, so that every data set names the same node:

- `sgid:agreement/desta-{number}`: the DESTA number (`+` written `plus`: `62+1` -> `desta-62-plus-1`).
  DESTA rows carry it; TREND rows carry it in `Number` (TREND numbers its newer agreements on DESTA's list,
  e.g. 1047 China-Mauritius, which our DESTA copy lacks); curated rows in their `desta` column.
- `sgid:agreement/wto-rta-{id}`: a ToTA agreement that no rule matches to DESTA (its WTO RTA-IS id).
- `sgid:agreement/tota-pta-{id}`: such a ToTA agreement that has no WTO RTA id.
- `sgid:agreement/trend-{label}`: a TREND row that shares its number with other TREND rows but is not the one
  DESTA lists under that number (e.g. the 2005 and 2006 side agreements TREND files under 188, CAFTA-DR).
- `sgid:agreement/{key}`: a curated FTA that no data set has (e.g. China-Ecuador 2023).

Rules, in order; the first that gives exactly one DESTA entry wins; anything else is reported, not guessed:

1. `desta-number`: the row carries a DESTA number (TREND, curated). Where several TREND rows share one number,
   only the row with DESTA's year (and, if still several, DESTA's name) takes it.
2. `parties-year`: the same set of parties (ISO 3166-1 alpha-2) and the same year of signature. ToTA's
   `parties_original` (the parties at signature) is tried before `parties` (today's).
3. `eu-parties-year`: when both names name the EU (`EU_NAMES`), the same parties outside the EU and the same
   year, for at least one such party: DESTA lists the member states of the day, ToTA those of 2017, so the
   member states are left out of the comparison (`EU_MEMBER_CODES`).
4. `name-year`: the same words in the name (lower case, EU names folded, `STOPWORDS` dropped), the same year.
5. For a curated FTA that DESTA lacks, rules 2 and 4 against the TREND rows that DESTA lacks (their DESTA-list
   number is the key), a TREND name made only of country names giving its parties (`name_parties`).

Among several DESTA entries that fit, a base treaty is taken over its other entries and any entry over its
`consolidated` copy (DESTA repeats 30 entries as consolidated versions with the same parties and year).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pycountry
from rdflib import URIRef
from rdflib.namespace import RDFS

from stdgraph import config
from stdgraph.namespaces import entity, slugify
from stdgraph.sources import SourceDataError, SourceInput

DESTA_FOLDER, DESTA_FILE = "desta-trade-agreements", "DESTA.csv"
PARTY_COLUMNS = tuple(f"c{i}" for i in range(1, 92))
MISSING = "NA"

UNMAPPED_CODES = {
    "900": "Kosovo: DESTA's own code; Kosovo has no ISO 3166-1 code",
    "530": "Netherlands Antilles: ISO 3166-1 numeric 530 was withdrawn in 2010 (ISO 3166-3 ANHH)",
    "RKS": "Kosovo: ToTA's code; Kosovo has no ISO 3166-1 code",
    "ANT": "Netherlands Antilles: ISO 3166-1 alpha-3 ANT was withdrawn in 2010 (ISO 3166-3 ANHH)",
    "YUG": "Yugoslavia: ISO 3166-1 alpha-3 YUG was withdrawn (ISO 3166-3 YUCS)",
}
"""Party codes with no market of their own: reported as unmapped, never mapped to a successor state."""

EU_NAMES = (
    "european economic community",
    "european communities",
    "european community",
    "european union",
    "eec",
    "ec",
    "eu",
)
"""How the data sets name the EU, its predecessors included; folded to 'eu' in names (rule 3 and 4)."""

EU_MEMBER_CODES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK GB".split()  # noqa: SIM905
)
"""Every state that has been an EU (EC, EEC) member: the 27 of data/curated/unions.csv and the United
Kingdom (member 1973-2020). Only sets member states aside in rule 3; no membership is stated from it."""

STOPWORDS = frozenset(("the", "of", "and", "agreement", "free", "trade", "fta", "area"))

NAME_TABLE = {"korea": "KR", "uk": "GB", "us": "US", "usa": "US", "russia": "RU", "czech republic": "CZ"}
"""Country names the data sets use that are neither an ISO 3166-1 name nor pycountry's common name.
Used only to read the parties of a TREND row that DESTA lacks from its name, for matching (rule 5)."""


def _country_names() -> dict[str, str]:
    names = dict(NAME_TABLE)
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None)):
            if name:
                names.setdefault(" ".join(re.findall(r"[a-z]+", name.lower())), country.alpha_2)
    return names


_COUNTRY_NAMES = _country_names()


def name_parties(name: str) -> frozenset[str] | None:
    """The parties of a name made only of country names ('Chile China' -> {CL, CN}), else None."""
    words = re.findall(r"[a-z]+", name.lower())
    found: set[str] = set()
    i = 0
    while i < len(words):
        for span in range(min(4, len(words) - i), 0, -1):
            code = _COUNTRY_NAMES.get(" ".join(words[i : i + span]))
            if code:
                found.add(code)
                i += span
                break
        else:
            return None
    return frozenset(found) if len(found) > 1 else None


def desta_key(number: str) -> str:
    """The IRI key of a DESTA number: `862` -> `desta-862`, `62+1` -> `desta-62-plus-1`."""
    if not re.fullmatch(r"\d+[a-z]?(?:[+_]\d+)?", number):
        raise ValueError(f"{number!r} is not a DESTA number (digits, then a letter, +n or _n)")
    return slugify("desta " + number.replace("+", " plus "))


def wto_key(rta_id: str) -> str:
    if not rta_id.isdigit():
        raise ValueError(f"{rta_id!r} is not a WTO RTA id")
    return f"wto-rta-{rta_id}"


def tota_key(treaty_identifier: str) -> str:
    if not treaty_identifier.isdigit():
        raise ValueError(f"{treaty_identifier!r} is not a ToTA treaty identifier")
    return f"tota-pta-{treaty_identifier}"


def agreement(key: str) -> URIRef:
    """The agreement IRI of a key from `desta_key`, `wto_key`, a TREND label or a curated key."""
    return URIRef(entity("agreement", key))


def numeric_party(code: str) -> str | None:
    """ISO 3166-1 numeric -> alpha-2, None for a code in `UNMAPPED_CODES`; anything else is an error."""
    country = pycountry.countries.get(numeric=code.zfill(3)) if code.isdigit() else None
    if country is not None:
        return country.alpha_2
    if code in UNMAPPED_CODES:
        return None
    raise ValueError(f"party {code!r} is not an ISO 3166-1 numeric code")


def alpha3_party(code: str) -> str | None:
    """ISO 3166-1 alpha-3 -> alpha-2, None for a code in `UNMAPPED_CODES`; anything else is an error."""
    country = pycountry.countries.get(alpha_3=code) if re.fullmatch(r"[A-Z]{3}", code) else None
    if country is not None:
        return country.alpha_2
    if code in UNMAPPED_CODES:
        return None
    raise ValueError(f"party {code!r} is not an ISO 3166-1 alpha-3 code")


def desta_parties(row: dict[str, str]) -> tuple[list[str], list[str]]:
    """(alpha-2 codes, unmapped codes) of a DESTA row's member columns c1..c91."""
    mapped, unmapped = [], []
    for column in PARTY_COLUMNS:
        code = row.get(column, MISSING) or MISSING
        if code == MISSING:
            continue
        alpha2 = numeric_party(code)
        (mapped if alpha2 else unmapped).append(alpha2 or code)
    return mapped, unmapped


def name_words(name: str) -> frozenset[str]:
    folded = f" {name.lower()} "
    for eu in EU_NAMES:
        folded = re.sub(rf"(?<![a-z]){re.escape(eu)}(?![a-z])", " eu ", folded)
    return frozenset(w for w in re.findall(r"[a-z0-9]+", folded) if w not in STOPWORDS)


@dataclass(frozen=True)
class Entry:
    """A row of one data set as the matcher sees it."""

    dataset: str
    id: str
    name: str
    year: str | None
    parties: frozenset[str] = frozenset()
    desta: str | None = None
    entry_type: str = ""
    alt_parties: frozenset[str] = frozenset()
    """A second party list to try (ToTA: today's parties, after the parties at signature)."""

    @property
    def names_eu(self) -> bool:
        return "eu" in name_words(self.name)


@dataclass(frozen=True)
class Match:
    entry: Entry
    desta: str | None
    rule: str
    note: str = ""

    @property
    def matched(self) -> bool:
        return self.desta is not None


def _outside_eu(parties: frozenset[str]) -> frozenset[str]:
    return frozenset(p for p in parties if p not in EU_MEMBER_CODES)


def _preferred(candidates: list[Entry]) -> list[Entry]:
    """A base treaty over its other entries; any entry over a consolidated copy."""
    for keep in (lambda e: e.entry_type == "base_treaty", lambda e: e.entry_type != "consolidated"):
        kept = [e for e in candidates if keep(e)]
        if kept:
            candidates = kept
            if len(candidates) == 1:
                break
    return candidates


class DestaIndex:
    """DESTA's entries by number, by parties and year, by EU-folded parties and year, by name and year."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.by_number: dict[str, Entry] = {}
        self.by_parties: dict[tuple, list[Entry]] = defaultdict(list)
        self.by_eu_parties: dict[tuple, list[Entry]] = defaultdict(list)
        self.by_name: dict[tuple, list[Entry]] = defaultdict(list)
        for e in entries:
            self.by_number[e.id] = e
            self.by_parties[(e.parties, e.year)].append(e)
            if e.names_eu and _outside_eu(e.parties):
                self.by_eu_parties[(_outside_eu(e.parties), e.year)].append(e)
            self.by_name[(name_words(e.name), e.year)].append(e)

    def match(self, entry: Entry) -> Match:
        """The DESTA entry a row of another data set names, by rules 2-4 (rule 1 is `by_number`)."""
        tries: list[tuple[str, list[Entry]]] = []
        for parties in (entry.parties, entry.alt_parties):
            if parties:
                tries.append(("parties-year", self.by_parties.get((parties, entry.year), [])))
        if entry.names_eu:
            for parties in (entry.parties, entry.alt_parties):
                if _outside_eu(parties):
                    key = (_outside_eu(parties), entry.year)
                    tries.append(("eu-parties-year", self.by_eu_parties.get(key, [])))
        tries.append(("name-year", self.by_name.get((name_words(entry.name), entry.year), [])))
        for rule, candidates in tries:
            if not candidates:
                continue
            kept = _preferred(candidates)
            if len(kept) == 1:
                return Match(entry, kept[0].id, rule)
            numbers = ", ".join(sorted(e.id for e in kept))
            return Match(entry, None, "", f"{rule} fits DESTA {numbers}: ambiguous, left apart")
        return Match(entry, None, "", "no DESTA entry with these parties and year, or this name and year")


def desta_entry(row: dict[str, str]) -> Entry:
    parties, _ = desta_parties(row)
    year = row["year"] if row["year"] != MISSING else None
    return Entry(
        "DESTA", row["number"], row["name"], year, frozenset(parties), row["number"], row["entry_type"]
    )


def read_desta(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def desta_beside(src: SourceInput) -> DestaIndex:
    """The DESTA index from the DESTA folder beside a source's folder, its checksum kept in the provenance."""
    path = src.directory.parent / DESTA_FOLDER / DESTA_FILE
    if not path.is_file():
        path = config.shared_data_dir() / DESTA_FOLDER / DESTA_FILE
    if not path.is_file():
        raise SourceDataError(
            f"{src.source.name}: matches its agreements to DESTA, but {path} is missing; "
            f"put the {DESTA_FOLDER} folder beside {src.directory} (or pass --data-dir)"
        )
    src.checksums[f"{DESTA_FOLDER}/{DESTA_FILE}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        return DestaIndex(desta_entry(row) for row in read_desta(path))
    except (KeyError, ValueError) as exc:
        raise SourceDataError(f"{path}: {exc}") from None


def label_parts(label: str) -> tuple[str, str, str]:
    """TREND's `862_China Switzerland_2013` -> ('862', 'China Switzerland', '2013'): split at the first and
    the last underscore, since five names hold underscores of their own."""
    number, _, rest = label.partition("_")
    name, _, year = rest.rpartition("_")
    return number, name or rest, year


def trend_only(path: Path, desta: DestaIndex) -> DestaIndex:
    """The TREND rows whose number DESTA does not list, indexed like DESTA (rule 5)."""
    entries = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            number, name, _ = label_parts(row["Trade.Agreement"])
            if number not in desta.by_number:
                parties = name_parties(name) or frozenset()
                entries.append(Entry("TREND", number, name, row["Year"] or None, parties, number))
    return DestaIndex(entries)


def curated_entry(row: dict[str, str]) -> Entry:
    parties = frozenset(p.strip() for p in row["parties"].split(";") if p.strip())
    return Entry("curated", row["key"], row["name_en"], row["signed"][:4] or None, parties)


def curated_match(row: dict[str, str], desta: DestaIndex, trend: DestaIndex) -> Match:
    """Rules 2-4 against DESTA, then rule 5 against the TREND rows DESTA lacks."""
    entry = curated_entry(row)
    found = desta.match(entry)
    if found.matched:
        return found
    in_trend = trend.match(entry)
    if in_trend.matched:
        return Match(entry, in_trend.desta, f"trend-{in_trend.rule}")
    return found


def report(title: str, items: list[str], limit: int | None = None) -> str:
    """One provenance note: a count and the list."""
    shown = items if limit is None else items[:limit]
    more = "" if limit is None or len(items) <= limit else f"; and {len(items) - limit} more"
    return f"{title} ({len(items)}): {'; '.join(shown)}{more}"


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - a report for curators
    """`python -m ingest.agreement_matching [DATA_DIR]`: what TREND and ToTA matched and left apart."""
    import sys

    from ingest import tota, trend
    from stdgraph.sources import read_source

    args = sys.argv[1:] if argv is None else argv
    base = Path(args[0]) if args else config.shared_data_dir()
    for source in (trend.SOURCE, tota.SOURCE):
        loaded = read_source(source, base / source.location.removeprefix("shared:"))
        print(f"== {source.name}")
        for comment in loaded.provenance.objects(source.graph_iri, RDFS.comment):
            print(f"- {comment}")


def iter_notes(matches: Iterable[Match]) -> Iterator[str]:
    for m in matches:
        if not m.matched:
            yield f"{m.entry.id} {m.entry.name} ({m.entry.year or 'no year'}): {m.note}"


if __name__ == "__main__":  # pragma: no cover
    main()
