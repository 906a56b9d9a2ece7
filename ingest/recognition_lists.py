"""Recognition: IAF MLA, ILAC MRA, IECEE CB Scheme and GEN participations, ecolabel MRAs and EU MRAs.

The six lists in `shared/data/recognition-lists` are hand-compiled facts, one row per statement of one source,
so one body can have several rows; each row becomes its own `sg:Participation` or arrangement with the
row's source. The arrangements themselves, and facts.md §3 rows the lists lack, are curated in
`data/curated/arrangements.csv` and `arrangement_facts.csv`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from rdflib import Literal, URIRef

from stdgraph import config
from stdgraph.namespaces import ORG, RDF, RDFS, SG, SKOS, entity, market, org, vocab
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.terms import CellError, Triple, date_literal, sourced, split_list, text
from stdgraph.vocabulary import controlled

IAF, ILAC = "iaf_mla_signatories.csv", "ilac_mra_signatories.csv"
IECEE, GEN = "iecee_cb_scheme_members.csv", "gen_members.csv"
ECOLABEL, EU_MRAS = "ecolabel_mutual_recognition.csv", "eu_mras.csv"
ARRANGEMENTS, FACTS = "arrangements.csv", "arrangement_facts.csv"
"""The two curated files live in this repository's data/curated, the six lists in the shared folder."""


def _cols(names: str) -> tuple[str, ...]:
    return (*names.split(), "source", "confidence")


SOURCE = Source(
    name="recognition-lists",
    title="Recognition arrangements: IAF, ILAC, IECEE, GEN participations; ecolabel and EU MRAs",
    publisher="stdgraph (hand-compiled from IAF, ILAC, IECEE, GEN, CEC, EUR-Lex and other public pages)",
    homepage="https://iaf.nu/en/signatories-to-the-iaf-mla-2023/",
    licence="facts compiled from public web pages; cite each row's source",
    location="shared:recognition-lists",
    files=(
        DataFile(IAF, _cols("acronym full_name economy_iso2 signatory_type mla_scope recognition_date note")),
        DataFile(
            ILAC, _cols("acronym full_name economy_iso2 regional_group scope standard date status note")
        ),
        DataFile(IECEE, _cols("country_iso2 ncb_acronym ncb_name role product_categories note")),
        DataFile(GEN, _cols("country_iso2 operator ecolabel_programme member_type genices_status")),
        DataFile(
            ECOLABEL,
            _cols(
                "party_a party_a_programme party_a_iso2 party_b party_b_programme party_b_iso2 agreement "
                "date_signed scope_or_note"
            ),
        ),
        DataFile(
            EU_MRAS, _cols("partner_iso2 agreement oj_reference date_signed entry_into_force sectors note")
        ),
        DataFile(
            ARRANGEMENTS,
            _cols(
                "key kind name_en name_zh arrangement_type parties recognises scope_text signed in_force "
                "status legal_text note"
            ),
        ),
        DataFile(
            FACTS,
            _cols(
                "arrangement acronym country_iso2 body_type name_en name_zh role scope_text date status note"
            ),
        ),
    ),
    triples=lambda src: triples(src),  # defined below
    # Off the default build until the shapes accept a country as participant (IECEE/GENICES country rows).
    description="Partial lists: see shared/data/recognition-lists/SOURCE.md for coverage and quirks.",
)

KINDS = {"multilateral": SG.MultilateralArrangement, "bilateral": SG.BilateralArrangement}
BODY_TYPES = {
    "accreditation-body": SG.AccreditationBody,
    "conformity-assessment-body": SG.ConformityAssessmentBody,
}
_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9&-]{1,9})\)\s*$")
_GERMAN = ("UBA", "RAL")  # the German Federal Environment Agency is UBA (facts.md 2.11)
PARTY_OVERRIDES: dict[str, tuple[str, ...]] = {
    "China Environment Labelling (CEC / Ministry of Environmental Protection)": ("CEC",),
    "CEC (China)": ("CEC",),
    "German Federal Environmental Agency and RAL (German Quality Assurance and Labeling Association)": (
        *_GERMAN,
    ),
    "German Federal Environmental Agency and RAL": _GERMAN,
    "JEA (Japan) and KEITI (Korea)": ("JEA", "KEITI"),
    "Green Seal Inc.": ("Green Seal Inc.",),
    # The row names a programme or a country, not the operator: no party node.
    "Blue Angel (Germany)": (),
    "environmental label agencies of China and Japan": (),
    "EcoLogo (Canada)": (),
    "ecolabel programme of South Korea": (),
    "ecolabel programme of Taiwan": (),
}
"""Ecolabel parties whose operator acronym is not the trailing '(ACRONYM)' of the cell, by exact cell text."""
_CETA = "Protocol on the mutual acceptance of the results of conformity assessment (part of CETA)"
EU_MRA_KEYS = {_CETA: "EU CA CETA protocol"}
"""EU MRA rows on a second instrument with the same partner; other rows merge per partner
(SOURCE.md: 7 partners, Canada with the 1998 MRA and the CETA protocol)."""


def arrangement(key: str) -> URIRef:
    return URIRef(entity("arrangement", key))


def _v(scheme: str, value: str) -> URIRef:
    return controlled(scheme, value, scheme.replace("-", " "))


def _markets(cell: str) -> list[URIRef]:
    return [URIRef(market(code)) for code in split_list(cell)]


def dated(cell: str) -> tuple[Literal | None, str | None]:
    """'2005 (renewed 2011)' -> (2005, 'renewed 2011'); a cell without a year before any '(' stays text."""
    head, _, rest = cell.partition("(")
    if not cell.strip():
        return None, None
    if not re.search(r"\d{4}", head):
        return None, cell.strip()
    if rest and not rest.rstrip().endswith(")"):
        raise CellError(f"{cell!r}: write a date, optionally followed by '(note)'")
    return date_literal(head.strip()), rest.strip().removesuffix(")").strip() or None


def body_triples(
    node: URIRef, cls: URIRef, acronym: str, name: str, countries: list[URIRef], row: dict[str, str]
) -> Iterator[Triple]:
    """A body as a row names it. Rows spell a body's name differently, and the curated organisations give
    its preferred name, so names here are altLabels; a body without an acronym is named by its prefLabel."""
    yield node, RDF.type, cls
    if acronym:
        yield node, SG.acronym, Literal(acronym)
        if name and name != acronym:
            yield node, SKOS.altLabel, Literal(name, lang="en")
    elif name:
        yield node, SKOS.prefLabel, Literal(name, lang="en")
    for country in countries:
        yield node, SG.jurisdiction, country
    yield from sourced(node, row["source"], row["confidence"])


class Participation(NamedTuple):
    arrangement: str
    participant: URIRef
    key: str
    roles: tuple[str, ...]
    scope: str = ""
    date: str = ""
    withdrawn: bool = False
    comment: str = ""


def participation_triples(p: Participation, row: dict[str, str]) -> Iterator[Triple]:
    node = URIRef(entity("participation", f"{p.arrangement} {p.key}"))
    yield node, RDF.type, SG.Participation
    yield node, SG.participant, p.participant
    yield node, SG.inArrangement, arrangement(p.arrangement)
    for role in p.roles:
        yield node, SG.participationRole, _v("participation-role", role)
    for value, prop in ((text(p.scope), SG.scopeText), (text(p.comment, "en"), RDFS.comment)):
        if value is not None:
            yield node, prop, value
    when, note = dated(p.date)
    if when is not None:
        yield node, SG.validUntil if p.withdrawn else SG.validFrom, when
    if note:
        yield node, RDFS.comment, Literal(f"date as listed: {p.date}", lang="en")
    if p.withdrawn:
        yield node, SG.participationStatus, URIRef(vocab("arrangement-status", "withdrawn"))
    if row.get("seen_date"):
        yield node, SG.asOf, date_literal(row["seen_date"])
    yield from sourced(node, row["source"], row["confidence"])


def _body(
    acronym: str, name: str, economies: str, cls: URIRef, row: dict[str, str]
) -> tuple[URIRef, list[Triple]]:
    """A body at org(acronym, its economy); multi-economy and regional bodies have no country in the IRI."""
    countries = _markets(economies)
    node = URIRef(org(acronym, economies if len(countries) == 1 else None))
    return node, list(body_triples(node, cls, acronym, name, countries, row))


def iaf_triples(row: dict[str, str], line: int) -> Iterator[Triple]:
    """One IAF MLA statement: a signatory AB or a regional accreditation group, its scope and date."""
    types = {"Accreditation Body": "signatory", "Regional Accreditation Group": "regional-group"}
    if row["signatory_type"] not in types:
        raise CellError(f"signatory_type {row['signatory_type']!r} is not one of {', '.join(types)}")
    role = types[row["signatory_type"]]
    cls = ORG.Organization if role == "regional-group" else SG.AccreditationBody
    node, body = _body(row["acronym"], row["full_name"], row["economy_iso2"], cls, row)
    yield from body
    key = f"{row['acronym']} {row['economy_iso2']} {line}"
    part = Participation(
        "IAF MLA", node, key, (role,), row["mla_scope"], row["recognition_date"], comment=row["note"]
    )
    yield from participation_triples(part, row)


def ilac_triples(row: dict[str, str], line: int) -> Iterator[Triple]:
    """One ILAC MRA statement; 'WITHDRAWN' ends the participation at the row's date."""
    regional = row["status"].startswith("recognised region")
    cls = ORG.Organization if regional else SG.AccreditationBody
    node, body = _body(row["acronym"], row["full_name"], row["economy_iso2"], cls, row)
    yield from body
    withdrawn = row["status"].strip().upper() == "WITHDRAWN"
    notes = [row["note"]]
    if row["status"] and not withdrawn:
        notes.append(f"status as listed: {row['status']}")
    if row["regional_group"] and not regional:
        notes.append(f"regional group: {row['regional_group']}")
    part = Participation(
        "ILAC MRA",
        node,
        f"{row['acronym']} {row['economy_iso2']} {line}",
        ("regional-group" if regional else "signatory",),
        "; ".join(filter(None, (row["scope"], row["standard"]))),
        row["date"],
        withdrawn,
        "; ".join(filter(None, notes)),
    )
    yield from participation_triples(part, row)


def iecee_triples(row: dict[str, str], line: int) -> Iterator[Triple]:
    """A named NCB, or a country the source lists as having NCBs; a row with neither code nor NCB is skipped
    (the historical 'Yugoslavia' has no ISO 3166-1 code)."""
    if row["ncb_acronym"]:
        node, body = _body(
            row["ncb_acronym"], row["ncb_name"], row["country_iso2"], SG.ConformityAssessmentBody, row
        )
        yield from body
        role, key = "national-certification-body", f"{row['ncb_acronym']} {row['country_iso2']} {line}"
    elif row["country_iso2"]:
        node, role, key = URIRef(market(row["country_iso2"])), "member", f"{row['country_iso2']} {line}"
    else:
        return
    scope = row["product_categories"]
    comment = "; ".join(filter(None, (row["role"], row["note"])))
    yield from participation_triples(
        Participation("IECEE CB Scheme", node, key, (role,), scope, comment=comment), row
    )


def gen_triples(row: dict[str, str], line: int) -> Iterator[Triple]:
    """A GEN member (operator) and/or a GENICES pass; rows without an operator name only the country (or
    a region without an ISO code, which is skipped)."""
    roles = (("member",) if row["member_type"] else ()) + (
        ("genices-verified",) if row["genices_status"] else ()
    )
    if not roles:
        raise CellError("neither member_type nor genices_status is given")
    if row["operator"]:
        match = _ACRONYM.search(row["operator"])
        acronym = match.group(1) if match else ""
        name = row["operator"][: match.start()].strip() if match else row["operator"]
        node, body = _body(acronym or name, name, row["country_iso2"], ORG.Organization, row)
        if not acronym:  # the name is the key; do not present it as an acronym
            body = [t for t in body if t[1] != SG.acronym and t[1] != SKOS.altLabel]
        yield from body
        key = f"{acronym or name} {row['country_iso2']} {line}"
    elif row["country_iso2"]:
        node, key = URIRef(market(row["country_iso2"])), f"{row['country_iso2']} {line}"
    else:  # 'North Europe (Nordic)' names neither an operator nor an ISO 3166-1 country
        return
    comment = "; ".join(
        f"{label}: {row[col]}"
        for label, col in (
            ("ecolabel programme", "ecolabel_programme"),
            ("member type", "member_type"),
            ("GENICES", "genices_status"),
        )
        if row[col]
    )
    yield from participation_triples(Participation("GEN", node, key, roles, comment=comment), row)


def _parties(cell: str, iso: str, row: dict[str, str]) -> tuple[str, list[URIRef], list[Triple]]:
    """Operators named in an ecolabel party cell, at org(acronym, country), and a key for the side."""
    if not cell:
        raise CellError("a party is blank: an arrangement row must name both parties")
    if cell in PARTY_OVERRIDES:
        acronyms = PARTY_OVERRIDES[cell]
    elif match := _ACRONYM.search(cell):
        acronyms = (match.group(1),)
    else:
        raise CellError(f"party {cell!r} has no '(ACRONYM)': add it to PARTY_OVERRIDES in {__name__}")
    countries = split_list(iso)
    if len(acronyms) > 1 and len(countries) not in (1, len(acronyms)):
        raise CellError(f"party {cell!r}: {len(acronyms)} operators but countries {iso!r}")
    keys, nodes, out = [], [], []
    for i, acronym in enumerate(acronyms):
        country = countries[i] if len(countries) == len(acronyms) else (countries[:1] or [None])[0]
        node = URIRef(org(acronym, country))
        named = " " in acronym  # an organisation without an acronym is keyed by its name
        label = ("", acronym) if named else (acronym, "")
        out += body_triples(node, ORG.Organization, *label, _markets(country or ""), row)
        keys.append(f"{acronym} {country or ''}")
        nodes.append(node)
    return " + ".join(keys) or iso, nodes, out


def ecolabel_triples(row: dict[str, str], line: int) -> Iterator[Triple]:
    """An ecolabel agreement: bilateral when each side is one named operator, else per its sides."""
    a_key, a, a_body = _parties(row["party_a"], row["party_a_iso2"], row)
    b_key, b, b_body = _parties(row["party_b"], row["party_b_iso2"], row)
    yield from a_body + b_body
    node = arrangement(f"ecolabel {a_key} {b_key} {row['date_signed']}")
    if ";" in row["party_a_iso2"] + row["party_b_iso2"]:
        cls = SG.MultilateralArrangement
    elif len(a) == 1 and len(b) == 1:
        cls = SG.BilateralArrangement
    else:  # a side names a programme, a country or two operators jointly
        cls = SG.RecognitionArrangement
    yield node, RDF.type, cls
    yield node, SKOS.prefLabel, Literal(row["agreement"], lang="en")
    yield node, SG.arrangementType, URIRef(vocab("arrangement-type", "ecolabel-mra"))
    for party in a + b:
        yield node, SG.party, party
    for side in ("party_a", "party_b"):
        listed = f"{row[side]} ({row[side + '_programme'] or 'programme not named'}; {row[side + '_iso2']})"
        yield node, RDFS.comment, Literal(f"party as listed: {listed}", lang="en")
    signed, note = dated(row["date_signed"])
    if signed is not None:
        yield node, SG.signedOn, signed
    for value in (note, row["scope_or_note"]):
        if value:
            yield node, RDFS.comment, Literal(value, lang="en")
    if row["seen_date"]:
        yield node, SG.asOf, date_literal(row["seen_date"])
    yield from sourced(node, row["source"], row["confidence"])


def eu_mra_triples(row: dict[str, str], first: bool) -> Iterator[Triple]:
    """An EU MRA row; rows on the same instrument (e.g. '(consolidated text)') add to one node."""
    if not row["partner_iso2"]:
        raise CellError("partner_iso2 is blank: an EU MRA needs its second party")
    node = arrangement(EU_MRA_KEYS.get(row["agreement"], f"EU {row['partner_iso2']} MRA"))
    yield node, RDF.type, SG.BilateralArrangement
    yield node, SG.arrangementType, URIRef(vocab("arrangement-type", "government-mra"))
    yield node, SG.party, URIRef(market("EU"))
    yield node, SG.party, URIRef(market(row["partner_iso2"]))
    if first:
        yield node, SKOS.prefLabel, Literal(row["agreement"], lang="en")
    elif row["agreement"] != "(consolidated text)":
        yield node, RDFS.comment, Literal(f"also described as: {row['agreement']}", lang="en")
    if "certificates" in row["agreement"].lower():
        yield node, SG.recognises, URIRef(vocab("recognised", "certificates"))
    for cell, prop in (("date_signed", SG.signedOn), ("entry_into_force", SG.entryIntoForce)):
        if row[cell]:
            yield node, prop, date_literal(row[cell])
    for cell, prop, lang in (
        ("oj_reference", SG.legalText, None),
        ("sectors", SG.scopeText, "en"),
        ("note", RDFS.comment, "en"),
    ):
        if row[cell]:
            yield node, prop, Literal(row[cell], lang=lang)
    yield from sourced(node, row["source"], row["confidence"])


def _party_triples(item: str, row: dict[str, str]) -> tuple[URIRef, list[Triple]]:
    """'market:XX' or 'org:ACRONYM@XX' (an operator the row's source names)."""
    kind, _, ref = item.partition(":")
    if kind == "market":
        return URIRef(market(ref)), []
    acronym, _, country = ref.partition("@")
    if kind != "org" or not acronym:
        raise CellError(f"party {item!r}: write market:XX or org:ACRONYM@XX")
    return _body(acronym, "", country, ORG.Organization, row)


def arrangement_triples(row: dict[str, str]) -> Iterator[Triple]:
    """A curated arrangement: the lists' multilateral ones and the facts.md §3 agreements the lists lack."""
    if row["kind"] not in KINDS:
        raise CellError(f"kind {row['kind']!r} is not one of {', '.join(KINDS)}")
    node = arrangement(row["key"])
    parties = [_party_triples(item, row) for item in split_list(row["parties"])]
    if row["kind"] == "bilateral" and len(parties) != 2:
        raise CellError(f"a bilateral arrangement has exactly two parties, not {len(parties)}")
    for party, body in parties:
        yield from body
        yield node, SG.party, party
    yield node, RDF.type, KINDS[row["kind"]]
    yield node, SG.arrangementType, _v("arrangement-type", row["arrangement_type"])
    for value in split_list(row["recognises"]):
        yield node, SG.recognises, _v("recognised", value)
    if row["status"]:
        yield node, SG.arrangementStatus, _v("arrangement-status", row["status"])
    for cell, prop, lang in (
        ("name_en", SKOS.prefLabel, "en"),
        ("name_zh", SKOS.prefLabel, "zh"),
        ("scope_text", SG.scopeText, "en"),
        ("legal_text", SG.legalText, None),
        ("note", RDFS.comment, "en"),
    ):
        if row[cell]:
            yield node, prop, Literal(row[cell], lang=lang)
    for cell, prop in (("signed", SG.signedOn), ("in_force", SG.entryIntoForce)):
        if row[cell]:
            yield node, prop, date_literal(row[cell])
    yield from sourced(node, row["source"], row["confidence"])


def fact_triples(row: dict[str, str], line: int) -> Iterator[Triple]:
    """A body fact from facts.md §3, and its participation when the row names an arrangement."""
    if row["body_type"] not in BODY_TYPES:
        raise CellError(f"body_type {row['body_type']!r} is not one of {', '.join(BODY_TYPES)}")
    node, body = _body(row["acronym"], row["name_en"], row["country_iso2"], BODY_TYPES[row["body_type"]], row)
    yield from body
    if row["name_zh"]:
        yield node, SKOS.altLabel, Literal(row["name_zh"], lang="zh")
    if not row["arrangement"]:
        if row["note"]:
            yield node, RDFS.comment, Literal(row["note"], lang="en")
        return
    status = row["status"]
    if status and status != "withdrawn":
        raise CellError(f"status {status!r}: only 'withdrawn' is recorded on a participation")
    key = f"{row['acronym']} {row['country_iso2']} curated {line}"
    part = Participation(
        row["arrangement"],
        node,
        key,
        (row["role"],),
        row["scope_text"],
        row["date"],
        status == "withdrawn",
        row["note"],
    )
    yield from participation_triples(part, row)


def weakest_evidence(triples: Iterable[Triple]) -> Iterator[Triple]:
    """One evidence level per node: a node built from V and V* rows is secondary, as its weakest fact
    (the rule of shared/data/market-requirements: rated by the weakest element)."""
    kept = list(triples)
    secondary = URIRef(vocab("evidence-level", "secondary"))
    weak = {s for s, p, o in kept if p == SG.evidenceLevel and o == secondary}
    return (t for t in kept if not (t[1] == SG.evidenceLevel and t[0] in weak and t[2] != secondary))


def triples(src: SourceInput) -> Iterator[Triple]:
    """The six shared lists and the curated files, with one evidence level per node."""
    return weakest_evidence(_all_triples(src))


def _all_triples(src: SourceInput) -> Iterator[Triple]:
    """The six shared lists as they are, then the curated arrangements and facts (from data/curated)."""
    curated = SourceInput(src.source, config.CURATED_DIR)
    seen_eu: set[str] = set()
    readers = (
        (src, IAF, iaf_triples),
        (src, ILAC, ilac_triples),
        (src, IECEE, iecee_triples),
        (src, GEN, gen_triples),
        (src, ECOLABEL, ecolabel_triples),
        (curated, FACTS, fact_triples),
    )
    try:
        for reader, name, transform in readers:
            for line, row in reader.rows(name):
                try:
                    yield from transform(row, line)
                except CellError as exc:
                    raise SourceDataError(f"{name}, line {line}: {exc}") from None
        for line, row in src.rows(EU_MRAS):
            key = EU_MRA_KEYS.get(row["agreement"], row["partner_iso2"])
            try:
                yield from eu_mra_triples(row, key not in seen_eu)
            except CellError as exc:
                raise SourceDataError(f"{EU_MRAS}, line {line}: {exc}") from None
            seen_eu.add(key)
        for line, row in curated.rows(ARRANGEMENTS):
            try:
                yield from arrangement_triples(row)
            except CellError as exc:
                raise SourceDataError(f"{ARRANGEMENTS}, line {line}: {exc}") from None
    finally:
        src.rows_read += curated.rows_read
        src.checksums.update(curated.checksums)
