"""A seeded, streaming generator of a realistic stdgraph graph (N-Triples), for benchmarks and CI.

The graph uses stdgraph's own ontology and IRI patterns (DEVELOPERS.md), so the named queries run on it
unchanged. It is written line by line and never held in memory: every entity is derived from its index and
the seed (`random.Random(f"{seed}:{kind}:{i}")`), so one family can name another's IRIs without storing them.
Proportions follow the real catalogues: standards dominate (ISO ~71k deliverables, IEC ~32k, ratio ~70:30),
with national adoptions of international editions; HS subheadings grow to the real ~5.6k and stop there;
~200 markets; hundreds of schemes; tens of arrangements.

Usage: `python -m bench.generate --triples 1000000 --seed 42 --out bench/out/g1m.nt [--validate]`.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from stdgraph import identifiers
from stdgraph.config import ONTOLOGY_DIR
from stdgraph.namespaces import DCTERMS, ORG, RDF, SG, SGID, SKOS, XSD, entity, market, org, vocab

# --- terms ----------------------------------------


def iri(value: str) -> str:
    return f"<{value}>"


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


def date(year: int, month: int, day: int) -> str:
    return lit(f"{year:04d}-{month:02d}-{day:02d}", datatype=str(XSD.date))


A = iri(str(RDF.type))
_TERMS = """
Standard Edition Amendment StandardsBody TechnicalCommittee Adoption CertificationScheme
ConformityAssessmentBody AccreditationBody Accreditation RecognitionArrangement
MultilateralArrangement BilateralArrangement Participation TradeAgreement AgreementChapter
AgreementArticle Provision Market Country Union HSCode ICSCode MarketRequirement hasEdition
editionOf status stageCode documentType implementationDate withdrawalDate editionNumber committee
ics supersedes supersededBy catalogueURL amends acronym jurisdiction bodyLevel parentCommittee
secretariat participatingMember observingMember adoptingEdition adoptedEdition adoptionDegree adopts
evidenceLevel schemeType schemeOwner operator basedOn productScope productScopeText operatesIn
established accreditedBody accreditedBy scopeText validFrom validUntil arrangementType party
recognises signedOn entryIntoForce arrangementStatus legalText participant inArrangement
participationRole participationStatus hasChapter hasProvision destaNumber wtoRtaId chapterNumber
hasArticle articleNumber text provisionOf provisionCategory articleRef iso3166Alpha2 memberState
hsLevel market legalBasis standardOrMethod refersToStandard acceptedScheme appliesFrom appliesUntil
"""
P = {name: iri(str(SG[name])) for name in _TERMS.split()}
IDENT, TITLE, PUBLISHER, SOURCE = (
    iri(str(DCTERMS[t])) for t in ("identifier", "title", "publisher", "source")
)
LABEL, NOTATION, BROADER, IN_SCHEME = (
    iri(str(SKOS[t])) for t in ("prefLabel", "notation", "broader", "inScheme")
)
CONCEPT, CONCEPT_SCHEME = iri(str(SKOS.Concept)), iri(str(SKOS.ConceptScheme))
ORGANIZATION, UNIT_OF = iri(str(ORG.Organization)), iri(str(ORG.unitOf))
PRIMARY, SECONDARY = iri(vocab("evidence-level", "primary")), iri(vocab("evidence-level", "secondary"))
HS_SCHEME = iri(str(SGID["hs/2022"]))
VOCABULARIES = ONTOLOGY_DIR / "vocabularies.ttl"

# --- reference data ----------------------------------------

_COUNTRIES = """
CN US DE FR GB JP KR IT ES NL BE SE AT PL CZ DK FI IE PT GR HU RO SK SI HR BG LT LV EE LU MT CY IN
BR CA AU MX ZA ID TH VN MY SG PH NZ CH NO TR SA AE IL RU UA AR CL CO PE EG MA NG KE PK BD LK TW HK
KZ UZ AZ GE AM BY IS LI MC AD SM RS BA ME MK AL MD TN DZ LY SD ET TZ UG RW GH CI SN CM AO MZ ZM ZW
BW NA MU MG QA KW BH OM JO LB IQ IR AF NP MM KH LA MN BN FJ PG EC BO PY UY VE CR PA GT HN SV NI DO
CU JM TT BB BS HT GY SR BZ TJ KG TM YE SY PS ML NE BF TD MR GN SL LR TG BJ GA CG CD CF GQ ER DJ SO
SS BI MW LS SZ KM SC CV ST GW GM MV BT TL WS TO VU SB KI NR TV FM MH PW AG DM GD KN LC VC AW CW SX
GL FO GI
"""
COUNTRIES = _COUNTRIES.split()
_EU_MEMBERS = """
AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE
"""
EU_MEMBERS = _EU_MEMBERS.split()
NAMES = {
    "CN": ("China", "中国"),
    "US": ("United States", "美国"),
    "DE": ("Germany", "德国"),
    "FR": ("France", "法国"),
    "GB": ("United Kingdom", "英国"),
    "JP": ("Japan", "日本"),
    "KR": ("Republic of Korea", "韩国"),
    "EU": ("European Union", "欧盟"),
}
# National standards bodies: (prefix of their references, acronym, country, how they adopt ISO/IEC).
EU_NSBS = [
    ("BS", "BSI", "GB"),
    ("DIN", "DIN", "DE"),
    ("NF", "AFNOR", "FR"),
    ("UNE", "UNE", "ES"),
    ("UNI", "UNI", "IT"),
    ("NEN", "NEN", "NL"),
    ("NBN", "NBN", "BE"),
    ("SS", "SIS", "SE"),
    ("DS", "DS", "DK"),
    ("SFS", "SFS", "FI"),
    ("PN", "PKN", "PL"),
    ("CSN", "UNMZ", "CZ"),
]
OTHER_NSBS = [
    ("JIS", "JISC", "JP"),
    ("KS", "KATS", "KR"),
    ("AS", "SA", "AU"),
    ("CSA", "CSA", "CA"),
    ("SANS", "SABS", "ZA"),
    ("NBR", "ABNT", "BR"),
    ("TCVN", "STAMEQ", "VN"),
    ("SNI", "BSN", "ID"),
    ("MS", "DSM", "MY"),
    ("ANSI", "ANSI", "US"),
]
AB_ACRONYMS = {
    "CN": "CNAS",
    "GB": "UKAS",
    "DE": "DAkkS",
    "US": "ANAB",
    "JP": "JAB",
    "KR": "KAB",
    "FR": "COFRAC",
    "IT": "ACCREDIA",
    "ES": "ENAC",
    "NL": "RvA",
    "AU": "JAS-ANZ",
    "IN": "NABCB",
}
_ICS_FIELDS = """
01 03 07 11 13 17 19 21 23 25 27 29 31 33 35 37 39 43 45 47 49 53 55 59 61 65 67 71 73 75 77 79 81
83 85 87 91 93 95 97
"""
ICS_FIELDS = _ICS_FIELDS.split()
TOPICS = [
    ("Environmental management", "环境管理"),
    ("Greenhouse gases", "温室气体"),
    ("Photovoltaic devices", "光伏器件"),
    ("Secondary lithium cells and batteries", "二次锂电池"),
    ("Energy management systems", "能源管理体系"),
    ("Wind energy generation systems", "风能发电系统"),
    ("Electric vehicle conductive charging", "电动汽车传导充电"),
    ("Water quality", "水质"),
    ("Solid recovered fuels", "固体回收燃料"),
    ("Plastics", "塑料"),
    ("Textiles", "纺织品"),
    ("Road vehicles", "道路车辆"),
    ("Hydrogen technologies", "氢技术"),
    ("Life cycle assessment", "生命周期评价"),
    ("Carbon footprint of products", "产品碳足迹"),
    ("Energy performance of buildings", "建筑能效"),
    ("Soil quality", "土壤质量"),
    ("Air quality", "空气质量"),
    ("Circular economy", "循环经济"),
    ("Environmental labels and declarations", "环境标志和声明"),
    ("Smart grid", "智能电网"),
    ("Heat pumps", "热泵"),
    ("Biogas", "沼气"),
    ("Cement", "水泥"),
    ("Steel", "钢"),
    ("Fertilizers", "肥料"),
    ("Packaging", "包装"),
    ("Electrical insulation", "电气绝缘"),
    ("Household appliances", "家用电器"),
    ("Lighting", "照明"),
    ("Fuel cell technologies", "燃料电池技术"),
    ("Marine energy", "海洋能"),
    ("Sustainable finance", "可持续金融"),
    ("Rare earth", "稀土"),
]
ASPECTS = [
    ("Requirements with guidance for use", "要求及使用指南"),
    ("Test methods", "试验方法"),
    ("Vocabulary", "术语"),
    ("Guidelines", "指南"),
    ("Safety requirements", "安全要求"),
    ("Measurement of emissions", "排放测量"),
    ("Quantification and reporting", "量化和报告"),
    ("Design qualification and type approval", "设计鉴定和定型"),
    ("General requirements", "通用要求"),
    ("Principles and framework", "原则和框架"),
]
EDITION_COUNTS = (1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5)
DEGREES = ("IDT",) * 14 + ("MOD",) * 4 + ("NEQ", "not-established")
SCHEME_TYPES = (
    "type-i-ecolabel",
    "type-ii-self-declared-claim",
    "product-carbon-footprint-label",
    "green-product-certification",
    "management-system-certification",
    "ghg-verification",
    "green-electricity-certificate",
    "sustainable-fuel-certification",
    "product-safety-certification",
)
ARRANGEMENT_TYPES = (
    "accreditation-mla",
    "accreditation-mra",
    "certification-scheme",
    "ecolabel-network",
    "ecolabel-mra",
    "government-mra",
)
RECOGNISED = (
    "test-reports",
    "certificates",
    "accreditation",
    "inspection-reports",
    "ecolabel-criteria",
    "ecolabel-licences",
    "gmp-inspections",
)
CHAPTERS = (
    "Trade in goods",
    "Rules of origin",
    "Customs procedures",
    "Sanitary and phytosanitary measures",
    "Technical barriers to trade",
    "Trade remedies",
    "Investment",
    "Trade in services",
    "Government procurement",
    "Intellectual property",
    "Competition",
    "Trade and sustainable development",
    "Environment",
    "Dispute settlement",
    "Cooperation",
)
REQUIREMENTS = (
    "Carbon footprint declaration",
    "Energy efficiency label",
    "Ecodesign requirements",
    "Restriction of hazardous substances",
    "Due diligence on raw materials",
    "Recycled content",
    "Extended producer responsibility registration",
    "Conformity marking",
    "Deforestation-free proof",
    "Embedded emissions report (CBAM)",
)


# --- sizing ----------------------------------------


@dataclass(frozen=True)
class Plan:
    """How many entities of each family; standards fill whatever the target leaves."""

    triples: int
    markets: int
    hs_subheadings: int
    ics: int
    committees: int
    cabs: int
    schemes: int
    multilateral: int
    bilateral: int
    requirements: int
    agreements: int
    provision_categories: int
    reference_pool: int  # international standard families other families may point at

    @classmethod
    def for_size(cls, triples: int) -> Plan:
        n = max(triples, 2000)
        families = max(20, int(n * 0.55 / 90))
        return cls(
            triples=n,
            markets=min(len(COUNTRIES), max(40, n // 1000)),
            hs_subheadings=min(5613, max(60, int(n * 0.0056))),
            ics=min(1300, max(40, int(n * 0.0013))),
            committees=min(1200, max(12, int(n * 0.0012))),
            cabs=min(20000, max(15, int(n * 0.004))),
            schemes=min(600, max(8, int(n * 0.0004))),
            multilateral=min(30, max(3, n // 40000)),
            bilateral=min(12, max(2, n // 100000)),
            requirements=max(30, int(n * 0.009)),
            agreements=min(420, max(4, int(n * 0.0004))),
            provision_categories=min(300, max(10, n // 3000)),
            reference_pool=max(10, families // 3),
        )


# --- the writer ----------------------------------------


@dataclass
class Writer:
    out: TextIO
    count: int = 0
    buffer: list[str] = field(default_factory=list)

    def t(self, s: str, p: str, o: str) -> None:
        self.buffer.append(f"{s} {p} {o} .\n")
        self.count += 1
        if len(self.buffer) >= 10000:
            self.flush()

    def sourced(self, s: str, source: str, primary: bool = True) -> None:
        """Every curated entity says where it comes from and how strong that evidence is."""
        self.t(s, SOURCE, source)
        self.t(s, P["evidenceLevel"], PRIMARY if primary else SECONDARY)

    def flush(self) -> None:
        self.out.write("".join(self.buffer))
        self.buffer.clear()


# --- standards ----------------------------------------


@lru_cache(maxsize=65536)
def ref(identifier: str) -> identifiers.StandardRef:
    return identifiers.parse(identifier)


def edition_iri(identifier: str) -> str:
    return iri(ref(identifier).edition_iri)


def standard_iri(identifier: str) -> str:
    return iri(ref(identifier).standard_iri)


@dataclass(frozen=True)
class Family:
    """An international standard (work) and its editions, derived from (seed, index) alone."""

    index: int
    body: str  # ISO or IEC
    designator: str  # "ISO", "ISO/TS", "IEC", "IEC TS"
    number: str
    topic: int
    aspect: int
    years: tuple[int, ...]
    amendment_year: int | None

    @property
    def work(self) -> str:
        return f"{self.body} {self.number}"

    def edition(self, k: int) -> str:
        return f"{self.designator} {self.number}:{self.years[k]}"

    @property
    def latest(self) -> str:
        return self.edition(len(self.years) - 1)


def family(seed: int, i: int) -> Family:
    rng = random.Random(f"{seed}:std:{i}")
    body = "ISO" if rng.random() < 0.69 else "IEC"
    kind = rng.random()
    if body == "ISO":
        designator = "ISO/TS" if kind < 0.06 else "ISO/TR" if kind < 0.10 else "ISO"
        number = str(1000 + i)
    else:
        designator = "IEC TS" if kind < 0.08 else "IEC"
        number = str(60000 + i)
    if rng.random() < 0.35:
        number += f"-{rng.randint(1, 6)}"
    years = [rng.randint(1985, 2016)]
    for _ in range(rng.choice(EDITION_COUNTS) - 1):
        nxt = years[-1] + rng.randint(3, 8)
        if nxt > 2025:
            break
        years.append(nxt)
    amendment = years[-1] + rng.randint(2, 5) if rng.random() < 0.1 and years[-1] <= 2020 else None
    return Family(
        i,
        body,
        designator,
        number,
        rng.randrange(len(TOPICS)),
        rng.randrange(len(ASPECTS)),
        tuple(years),
        amendment,
    )


def titles(fam: Family) -> tuple[str, str]:
    (topic_en, topic_zh), (aspect_en, aspect_zh) = TOPICS[fam.topic], ASPECTS[fam.aspect]
    return f"{topic_en} — {aspect_en}", f"{topic_zh} {aspect_zh}"


def committee_ref(plan: Plan, seed: int, i: int) -> tuple[str, str, int | None]:
    """(body, identifier, index of parent) of committee i: ISO/TC n and ISO/TC n/SC m, IEC/TC n."""
    body = "ISO" if i % 10 < 7 else "IEC"
    tc = 1 + i // 4
    if i % 4 == 0 or plan.committees < 8:
        return body, f"{body}/TC {tc}", None
    return body, f"{body}/TC {tc}/SC {i % 4}", i - i % 4


def committee_iri(identifier: str) -> str:
    return iri(entity("committee", identifier))


def write_standards(w: Writer, plan: Plan, seed: int) -> None:
    """International families until the target is reached; each with editions, supersession and adoptions."""
    i = 0
    while w.count < plan.triples or i < plan.reference_pool:
        write_family(w, plan, seed, family(seed, i))
        i += 1


def write_family(w: Writer, plan: Plan, seed: int, fam: Family) -> None:
    rng = random.Random(f"{seed}:fam:{fam.index}")
    body_iri = iri(org(fam.body))
    en, zh = titles(fam)
    work = standard_iri(fam.latest)
    w.t(work, A, P["Standard"])
    w.t(work, IDENT, lit(ref(fam.latest).work))
    w.t(work, TITLE, lit(en, "en"))
    w.t(work, PUBLISHER, body_iri)
    w.sourced(work, iri(f"https://www.{fam.body.lower()}.org/standard/{fam.index}"))
    committee = committee_iri(committee_ref(plan, seed, rng.randrange(plan.committees))[1])
    ics_code = ics_notation(plan, seed, rng.randrange(plan.ics))
    doc_type = {
        "ISO/TS": "technical-specification",
        "ISO/TR": "technical-report",
        "IEC TS": "technical-specification",
    }
    editions = [fam.edition(k) for k in range(len(fam.years))]
    for k, identifier in enumerate(editions):
        node = edition_iri(identifier)
        latest = k == len(editions) - 1
        year = fam.years[k]
        w.t(work, P["hasEdition"], node)
        w.t(node, A, P["Edition"])
        w.t(node, IDENT, lit(identifier))
        w.t(node, P["editionOf"], work)
        w.t(node, TITLE, lit(en, "en"))
        if rng.random() < 0.5:
            w.t(node, TITLE, lit(zh, "zh"))
        w.t(node, P["status"], iri(vocab("status", "published" if latest else "withdrawn")))
        w.t(node, P["stageCode"], lit("60.60" if latest else "95.99"))
        w.t(
            node,
            P["documentType"],
            iri(vocab("document-type", doc_type.get(fam.designator, "international-standard"))),
        )
        w.t(node, DCTERMS_ISSUED, date(year, 1 + fam.index % 12, 1 + k * 3))
        w.t(node, P["editionNumber"], lit(str(k + 1)))
        w.t(node, PUBLISHER, body_iri)
        w.t(node, P["committee"], committee)
        w.t(node, P["ics"], iri(str(SGID[f"ics/{ics_code}"])))
        w.t(
            node,
            P["catalogueURL"],
            iri(f"https://www.{fam.body.lower()}.org/standard/{fam.index}-{k + 1}.html"),
        )
        w.sourced(node, iri(f"https://www.{fam.body.lower()}.org/standard/{fam.index}"))
        if k > 0:
            w.t(node, P["supersedes"], edition_iri(editions[k - 1]))
        if not latest:
            w.t(node, P["supersededBy"], edition_iri(editions[k + 1]))
            w.t(node, P["withdrawalDate"], date(fam.years[k + 1], 1 + fam.index % 12, 1 + (k + 1) * 3))
    if fam.amendment_year is not None:
        identifier = f"{fam.latest}/{'Amd 1' if fam.body == 'ISO' else 'AMD1'}:{fam.amendment_year}"
        node = edition_iri(identifier)
        w.t(work, P["hasEdition"], node)
        w.t(node, A, P["Edition"])
        w.t(node, A, P["Amendment"])
        w.t(node, IDENT, lit(identifier))
        w.t(node, P["editionOf"], work)
        w.t(node, P["amends"], edition_iri(fam.latest))
        w.t(node, P["status"], iri(vocab("status", "published")))
        w.t(node, P["documentType"], iri(vocab("document-type", "amendment")))
        w.t(node, DCTERMS_ISSUED, date(fam.amendment_year, 6, 1))
        w.t(node, PUBLISHER, body_iri)
        w.sourced(node, iri(f"https://www.{fam.body.lower()}.org/standard/{fam.index}"))
    write_adoptions(w, plan, rng, fam, en, zh)


DCTERMS_ISSUED = iri(str(DCTERMS.issued))


def write_national_edition(
    w: Writer, identifier: str, acronym: str, country: str | None, year: int, title: tuple[str, str | None]
) -> str:
    """A national or regional edition and its work; the caller links the adoption."""
    node, work = edition_iri(identifier), standard_iri(identifier)
    publisher = iri(org(acronym, country))
    source = iri(f"https://catalogue.example.org/{acronym.lower()}/{ref(identifier).edition_slug}")
    w.t(work, A, P["Standard"])
    w.t(work, IDENT, lit(ref(identifier).work))
    w.t(work, PUBLISHER, publisher)
    w.t(work, P["hasEdition"], node)
    w.sourced(work, source)
    w.t(node, A, P["Edition"])
    w.t(node, IDENT, lit(identifier))
    w.t(node, P["editionOf"], work)
    w.t(node, TITLE, lit(title[0], "en"))
    if title[1]:
        w.t(node, TITLE, lit(title[1], "zh"))
    w.t(node, P["status"], iri(vocab("status", "published")))
    level = "regional-standard" if country is None else "national-standard"
    w.t(node, P["documentType"], iri(vocab("document-type", level)))
    w.t(node, DCTERMS_ISSUED, date(year, 3, 15))
    w.t(node, PUBLISHER, publisher)
    w.sourced(node, source)
    return node


def write_adoption(w: Writer, adopting: str, adopted: str, degree: str, primary: bool) -> None:
    a, b = ref(adopting), ref(adopted)
    node = iri(str(SGID[f"adoption/{a.edition_slug}--{b.edition_slug}"]))
    adopting_iri, adopted_iri = edition_iri(adopting), edition_iri(adopted)
    w.t(node, A, P["Adoption"])
    w.t(node, P["adoptingEdition"], adopting_iri)
    w.t(node, P["adoptedEdition"], adopted_iri)
    w.t(node, P["adoptionDegree"], iri(vocab("adoption-degree", degree)))
    w.sourced(node, lit(f"{a.canonical} foreword"), primary)
    w.t(adopting_iri, P["adopts"], adopted_iri)


def write_adoptions(w: Writer, plan: Plan, rng: random.Random, fam: Family, en: str, zh: str) -> None:
    """EN adopts ISO/IEC, national EN adopts EN (sometimes ISO too), GB/T and others adopt ISO/IEC."""
    adopted, year = fam.latest, fam.years[-1]
    markets = set(COUNTRIES[: plan.markets])
    if fam.designator in ("ISO", "IEC") and rng.random() < 0.35:
        en_id = f"EN {fam.designator} {fam.number}:{min(2025, year + rng.randint(0, 1))}"
        regional = "CEN" if fam.body == "ISO" else "CENELEC"
        write_national_edition(w, en_id, regional, None, year, (en, None))
        write_adoption(w, en_id, adopted, "IDT", True)
        for prefix, acronym, country in EU_NSBS:
            if country in markets and rng.random() < 0.45:
                nat_id = f"{prefix} {en_id}"
                write_national_edition(w, nat_id, acronym, country, min(2025, year + 1), (en, None))
                write_adoption(w, nat_id, en_id, "IDT", True)
                if rng.random() < 0.3:
                    write_adoption(w, nat_id, adopted, "IDT", False)
    if rng.random() < 0.22:
        gb_id = f"GB/T {20000 + fam.index}-{min(2025, year + rng.randint(1, 3))}"
        write_national_edition(w, gb_id, "SAC", "CN", min(2025, year + 1), (en, zh))
        write_adoption(w, gb_id, adopted, rng.choice(DEGREES), rng.random() < 0.8)
    if fam.designator not in ("ISO", "IEC"):
        return
    for prefix, acronym, country in OTHER_NSBS:
        if country in markets and rng.random() < 0.08:
            division = {"JIS": " Q" if fam.body == "ISO" else " C", "KS": " I" if fam.body == "ISO" else " C"}
            nat_id = f"{prefix}{division.get(prefix, '')} {fam.designator} {fam.number}:{min(2025, year + 1)}"
            write_national_edition(w, nat_id, acronym, country, min(2025, year + 1), (en, None))
            write_adoption(w, nat_id, adopted, rng.choice(DEGREES), rng.random() < 0.7)


# --- organisations, committees, markets, codes ----------------------------------------


def write_vocabularies(w: Writer) -> None:
    """The controlled vocabularies, as the production build loads them (`sg:status/skos:notation`)."""
    for triple in ox.parse(path=str(VOCABULARIES), format=ox.RdfFormat.TURTLE):
        w.t(str(triple.subject), str(triple.predicate), str(triple.object))


def write_markets(w: Writer, plan: Plan) -> None:
    for code in COUNTRIES[: plan.markets]:
        node = iri(market(code))
        en, zh = NAMES.get(code, (f"Country {code}", None))
        w.t(node, A, P["Market"])
        w.t(node, A, P["Country"])
        w.t(node, P["iso3166Alpha2"], lit(code))
        w.t(node, LABEL, lit(en, "en"))
        if zh:
            w.t(node, LABEL, lit(zh, "zh"))
        w.sourced(node, iri("https://www.iso.org/iso-3166-country-codes.html"))
    eu = iri(market("EU"))
    w.t(eu, A, P["Market"])
    w.t(eu, A, P["Union"])
    w.t(eu, P["iso3166Alpha2"], lit("EU"))
    w.t(eu, LABEL, lit("European Union", "en"))
    w.t(eu, LABEL, lit("欧盟", "zh"))
    w.sourced(eu, iri("https://european-union.europa.eu/principles-countries-history/eu-countries_en"))
    for code in EU_MEMBERS:
        w.t(eu, P["memberState"], iri(market(code)))


def write_body(w: Writer, node: str, cls: str, acronym: str, label: str, country: str | None) -> None:
    w.t(node, A, P[cls])
    w.t(node, A, ORGANIZATION)
    w.t(node, LABEL, lit(label, "en"))
    w.t(node, P["acronym"], lit(acronym))
    if country:
        w.t(node, P["jurisdiction"], iri(market(country)))
    w.sourced(node, iri(f"https://directory.example.org/{acronym.lower()}"))


def national_bodies(plan: Plan) -> list[tuple[str, str]]:
    """(acronym, country) of each national standards body: the known ones, then one per market."""
    known = {c: a for _, a, c in (*EU_NSBS, *OTHER_NSBS)}
    known["CN"] = "SAC"
    return [(known.get(c, f"NSB-{c}"), c) for c in COUNTRIES[: plan.markets]]


def write_standards_bodies(w: Writer, plan: Plan) -> None:
    for acronym, label, level, country in (
        ("ISO", "International Organization for Standardization", "international", None),
        ("IEC", "International Electrotechnical Commission", "international", None),
        ("CEN", "European Committee for Standardization", "regional", "EU"),
        ("CENELEC", "European Committee for Electrotechnical Standardization", "regional", "EU"),
    ):
        node = iri(org(acronym))
        write_body(w, node, "StandardsBody", acronym, label, country)
        w.t(node, P["bodyLevel"], iri(vocab("body-level", level)))
    for acronym, country in national_bodies(plan):
        node = iri(org(acronym, country))
        write_body(w, node, "StandardsBody", acronym, f"National standards body of {country}", country)
        w.t(node, P["bodyLevel"], iri(vocab("body-level", "national")))


def write_committees(w: Writer, plan: Plan, seed: int) -> None:
    members = [iri(org(a, c)) for a, c in national_bodies(plan)]
    for i in range(plan.committees):
        rng = random.Random(f"{seed}:tcm:{i}")
        body, identifier, parent = committee_ref(plan, seed, i)
        node = committee_iri(identifier)
        w.t(node, A, P["TechnicalCommittee"])
        w.t(node, IDENT, lit(identifier))
        w.t(node, LABEL, lit(f"{TOPICS[i % len(TOPICS)][0]} ({identifier})", "en"))
        w.t(node, UNIT_OF, iri(org(body)))
        if parent is not None:
            w.t(node, P["parentCommittee"], committee_iri(committee_ref(plan, seed, parent)[1]))
        chosen = rng.sample(members, min(len(members), rng.randint(8, 40)))
        w.t(node, P["secretariat"], chosen[0])
        for j, member in enumerate(chosen):
            w.t(node, P["participatingMember" if j % 3 else "observingMember"], member)


def hs_codes(plan: Plan) -> Iterator[tuple[str, str | None]]:
    """(code, broader) for chapters, headings and subheadings, in a hierarchy of the real shape."""
    headings = max(10, plan.hs_subheadings * 1228 // 5613)
    chapters = min(96, max(4, headings // 13))
    for c in range(chapters):
        chapter = f"{[n for n in range(1, 98) if n != 77][c]:02d}"
        yield chapter, None
        for h in range(c, headings, chapters):
            heading = f"{chapter}{1 + h // chapters:02d}"
            yield heading, chapter
            for s in range(h, plan.hs_subheadings, headings):
                yield f"{heading}{10 * (1 + (s // headings) % 9) + (s // headings) // 9:02d}", heading


def hs_iri(code: str) -> str:
    return iri(str(SGID[f"hs/2022/{code}"]))


def write_hs(w: Writer, plan: Plan) -> list[str]:
    w.t(HS_SCHEME, A, CONCEPT_SCHEME)
    w.t(HS_SCHEME, LABEL, lit("Harmonized System 2022", "en"))
    codes = []
    for code, broader in hs_codes(plan):
        node = hs_iri(code)
        w.t(node, A, P["HSCode"])
        w.t(node, A, CONCEPT)
        w.t(node, NOTATION, lit(code))
        w.t(node, LABEL, lit(f"HS {code}", "en"))
        w.t(node, IN_SCHEME, HS_SCHEME)
        w.t(node, P["hsLevel"], lit({2: "chapter", 4: "heading", 6: "subheading"}[len(code)]))
        if broader:
            w.t(node, BROADER, hs_iri(broader))
        codes.append(code)
    return codes


def ics_notation(plan: Plan, seed: int, i: int) -> str:
    field_code = ICS_FIELDS[i % len(ICS_FIELDS)]
    rest = i // len(ICS_FIELDS)
    if rest == 0:
        return field_code
    group = 10 * (1 + (rest - 1) // 3)
    return (
        f"{field_code}.{group:03d}"
        if (rest - 1) % 3 == 0
        else f"{field_code}.{group:03d}.{(rest - 1) % 3 * 10:02d}"
    )


def write_ics(w: Writer, plan: Plan, seed: int) -> None:
    for i in range(plan.ics):
        code = ics_notation(plan, seed, i)
        node = iri(str(SGID[f"ics/{code}"]))
        w.t(node, A, P["ICSCode"])
        w.t(node, A, CONCEPT)
        w.t(node, NOTATION, lit(code))
        w.t(node, LABEL, lit(f"ICS {code}", "en"))
        if "." in code:
            w.t(node, BROADER, iri(str(SGID[f"ics/{code.rsplit('.', 1)[0]}"])))


# --- conformity assessment, recognition, trade ----------------------------------------


def accreditation_bodies(plan: Plan) -> list[tuple[str, str]]:
    return [(AB_ACRONYMS.get(c, f"AB-{c}"), c) for c in COUNTRIES[: min(plan.markets, 110)]]


def write_conformity(w: Writer, plan: Plan, seed: int, hs: list[str]) -> None:
    abs_ = accreditation_bodies(plan)
    for acronym, country in abs_:
        write_body(
            w,
            iri(org(acronym, country)),
            "AccreditationBody",
            acronym,
            f"Accreditation body of {country}",
            country,
        )
    pool = plan.reference_pool
    for i in range(plan.schemes):
        rng = random.Random(f"{seed}:scheme:{i}")
        node = iri(entity("scheme", f"scheme {i}"))
        w.t(node, A, P["CertificationScheme"])
        w.t(node, LABEL, lit(f"{TOPICS[i % len(TOPICS)][0]} certification scheme {i}", "en"))
        w.t(node, LABEL, lit(f"{TOPICS[i % len(TOPICS)][1]}认证方案 {i}", "zh"))
        w.t(node, P["schemeType"], iri(vocab("scheme-type", SCHEME_TYPES[i % len(SCHEME_TYPES)])))
        owner = rng.choice(abs_)
        w.t(node, P["schemeOwner"], iri(org(*owner)))
        w.t(node, P["operatesIn"], iri(market(owner[1])))
        for k in rng.sample(range(pool), min(pool, rng.randint(1, 3))):
            w.t(node, P["basedOn"], edition_iri(family(seed, k).latest))
        for code in rng.sample(hs, rng.randint(1, 6)):
            w.t(node, P["productScope"], hs_iri(code))
        w.t(node, P["established"], lit(str(rng.randint(1990, 2023)), datatype=str(XSD.gYear)))
        w.sourced(node, iri(f"https://schemes.example.org/{i}"))
    for i in range(plan.cabs):
        rng = random.Random(f"{seed}:cab:{i}")
        country = rng.choice(abs_)
        node = iri(org(f"CAB {i}", country[1]))
        write_body(w, node, "ConformityAssessmentBody", f"CAB{i}", f"Certification body {i}", country[1])
        for k in range(rng.choice((1, 1, 2))):
            acc = iri(entity("accreditation", f"{country[0]} {country[1]} cab {i} {k}"))
            start = rng.randint(2008, 2023)
            w.t(acc, A, P["Accreditation"])
            w.t(acc, P["accreditedBody"], node)
            w.t(acc, P["accreditedBy"], iri(org(*country)))
            w.t(acc, P["scopeText"], lit(f"ISO/IEC 17065 — {TOPICS[(i + k) % len(TOPICS)][0]}"))
            w.t(acc, P["validFrom"], date(start, 1 + i % 12, 1))
            w.t(acc, P["validUntil"], date(start + rng.randint(3, 5), 1 + i % 12, 1))
            w.sourced(acc, iri(f"https://{country[0].lower()}.example.org/cab/{i}"))


def write_arrangements(w: Writer, plan: Plan, seed: int) -> None:
    abs_ = accreditation_bodies(plan)
    for i in range(plan.multilateral):
        rng = random.Random(f"{seed}:mla:{i}")
        node = iri(entity("arrangement", f"mla {i}"))
        signed = rng.randint(1995, 2020)
        w.t(node, A, P["RecognitionArrangement"])
        w.t(node, A, P["MultilateralArrangement"])
        w.t(node, LABEL, lit(f"Multilateral recognition arrangement {i}", "en"))
        w.t(node, P["arrangementType"], iri(vocab("arrangement-type", ARRANGEMENT_TYPES[i % 3])))
        w.t(node, P["recognises"], iri(vocab("recognised", RECOGNISED[i % 3])))
        w.t(node, P["signedOn"], date(signed, 5, 10))
        w.t(node, P["entryIntoForce"], date(signed + rng.randint(0, 2), 11, 1))
        w.t(node, P["arrangementStatus"], iri(vocab("arrangement-status", "in-force")))
        w.sourced(node, iri(f"https://arrangements.example.org/mla/{i}"))
        for acronym, country in rng.sample(abs_, min(len(abs_), rng.randint(10, 100))):
            part = iri(entity("participation", f"mla {i} {acronym} {country}"))
            w.t(part, A, P["Participation"])
            w.t(part, P["participant"], iri(org(acronym, country)))
            w.t(part, P["inArrangement"], node)
            w.t(part, P["participationRole"], iri(vocab("participation-role", "signatory")))
            w.t(part, P["validFrom"], lit(str(rng.randint(signed, 2024)), datatype=str(XSD.gYear)))
            w.sourced(part, iri(f"https://arrangements.example.org/mla/{i}/signatories"))
    for i in range(plan.bilateral):
        rng = random.Random(f"{seed}:mra:{i}")
        node = iri(entity("arrangement", f"mra {i}"))
        a, b = rng.sample(COUNTRIES[: plan.markets], 2)
        signed = rng.randint(1998, 2022)
        w.t(node, A, P["RecognitionArrangement"])
        w.t(node, A, P["BilateralArrangement"])
        w.t(node, LABEL, lit(f"Mutual recognition agreement {a}–{b}", "en"))
        w.t(node, P["arrangementType"], iri(vocab("arrangement-type", "government-mra")))
        w.t(node, P["party"], iri(market(a)))
        w.t(node, P["party"], iri(market(b)))
        w.t(node, P["recognises"], iri(vocab("recognised", "test-reports")))
        w.t(node, P["signedOn"], date(signed, 6, 1))
        w.t(node, P["entryIntoForce"], date(signed + rng.randint(0, 2), 12, 1))
        w.t(node, P["arrangementStatus"], iri(vocab("arrangement-status", "in-force")))
        w.sourced(node, iri(f"https://arrangements.example.org/mra/{i}"))


def write_requirements(w: Writer, plan: Plan, seed: int, hs: list[str]) -> None:
    """Requirements at every HS level; the EU and large markets impose most of them."""
    heavy = ["EU", "CN", "US", "GB", "JP", "KR", "DE", "FR"]
    markets = COUNTRIES[: plan.markets]
    by_level = {n: [c for c in hs if len(c) == n] for n in (2, 4, 6)}
    for i in range(plan.requirements):
        rng = random.Random(f"{seed}:req:{i}")
        code = rng.choice(heavy) if rng.random() < 0.6 else rng.choice(markets)
        node = iri(entity("requirement", f"{code} {i}"))
        level = rng.choices((2, 4, 6), weights=(2, 3, 5))[0]
        label = REQUIREMENTS[i % len(REQUIREMENTS)]
        w.t(node, A, P["MarketRequirement"])
        w.t(node, P["market"], iri(market(code)))
        w.t(node, LABEL, lit(f"{label} ({code})", "en"))
        w.t(node, P["legalBasis"], lit(f"Act {code}/{2000 + i % 25}/{i}"))
        for code_ in rng.sample(by_level[level], min(len(by_level[level]), rng.randint(1, 2))):
            w.t(node, P["productScope"], hs_iri(code_))
        w.t(node, P["standardOrMethod"], lit(family(seed, i % plan.reference_pool).latest))
        w.t(node, P["refersToStandard"], edition_iri(family(seed, i % plan.reference_pool).latest))
        if plan.schemes and rng.random() < 0.3:
            w.t(node, P["acceptedScheme"], iri(entity("scheme", f"scheme {rng.randrange(plan.schemes)}")))
        start = rng.randint(2010, 2027)
        w.t(node, P["appliesFrom"], date(start, 1 + i % 12, 1))
        if rng.random() < 0.2:
            w.t(node, P["appliesUntil"], date(start + rng.randint(1, 8), 12, 31))
        w.sourced(node, iri(f"https://requirements.example.org/{code.lower()}/{i}"), rng.random() < 0.7)


def write_agreements(w: Writer, plan: Plan, seed: int) -> None:
    scheme = iri(vocab("provision-category", "").rstrip("/"))
    for c in range(plan.provision_categories):
        node = iri(vocab("provision-category", f"trend-{c + 1}"))
        w.t(node, A, CONCEPT)
        w.t(node, IN_SCHEME, scheme)
        w.t(node, NOTATION, lit(f"TREND-{c + 1}"))
        w.t(node, LABEL, lit(f"Environmental provision category {c + 1}", "en"))
    markets = [*COUNTRIES[: plan.markets], "EU"]
    for i in range(plan.agreements):
        rng = random.Random(f"{seed}:fta:{i}")
        node = iri(entity("agreement", f"fta {i}"))
        signed = rng.randint(1990, 2023)
        w.t(node, A, P["TradeAgreement"])
        w.t(node, LABEL, lit(f"Free trade agreement {i}", "en"))
        for party in rng.sample(markets, rng.choice((2, 2, 2, 3, 4))):
            w.t(node, P["party"], iri(market(party)))
        w.t(node, P["signedOn"], date(signed, 1 + i % 12, 15))
        w.t(node, P["entryIntoForce"], date(min(2025, signed + rng.randint(0, 3)), 12, 20))
        w.t(node, P["destaNumber"], lit(str(100 + i)))
        w.t(node, P["wtoRtaId"], lit(str(1000 + i)))
        w.sourced(node, iri(f"https://rtais.wto.org/agreement/{1000 + i}"))
        for n, title in enumerate(CHAPTERS[: rng.randint(8, len(CHAPTERS))], start=1):
            chapter = iri(entity("agreement-chapter", f"fta {i} chapter {n}"))
            w.t(node, P["hasChapter"], chapter)
            w.t(chapter, A, P["AgreementChapter"])
            w.t(chapter, P["chapterNumber"], lit(str(n)))
            w.t(chapter, TITLE, lit(title, "en"))
            if title in ("Environment", "Technical barriers to trade"):
                for a in range(1, rng.randint(3, 8)):
                    article = iri(entity("agreement-article", f"fta {i} chapter {n} article {a}"))
                    w.t(chapter, P["hasArticle"], article)
                    w.t(article, A, P["AgreementArticle"])
                    w.t(article, P["articleNumber"], lit(f"{n}.{a}"))
                    w.t(article, P["text"], lit(f"The Parties shall cooperate on {TOPICS[a][0].lower()}."))
        for k in range(rng.randint(0, 12)):
            provision = iri(entity("provision", f"fta {i} provision {k}"))
            w.t(node, P["hasProvision"], provision)
            w.t(provision, A, P["Provision"])
            w.t(provision, P["provisionOf"], node)
            w.t(
                provision,
                P["provisionCategory"],
                iri(vocab("provision-category", f"trend-{1 + rng.randrange(plan.provision_categories)}")),
            )
            w.t(provision, P["articleRef"], lit(f"Art. {rng.randint(1, 30)}"))
            w.sourced(provision, iri("https://www.chaire-epi.ulaval.ca/en/trend"), False)


# --- recognition (acceptance rules, scope mappings, bodies in arrangements) ----------------------------

_RECOGNITION_TERMS = """
AcceptanceRule ScopeMapping forRequirement evidenceKind ruleScheme ruleArrangement ruleBody ruleStandard
editionYear otherEditionsExcluded accreditationMarket excludes condition mappedCode scopeRelation
justification
"""
R = {name: iri(str(SG[name])) for name in _RECOGNITION_TERMS.split()}
RULE_KINDS = ("certificate", "test-report", "verification-report", "ecolabel-licence", "self-declaration")
CREATOR = iri(str(DCTERMS.creator))
TRUE = lit("true", datatype=str(XSD.boolean))


def cab(seed: int, plan: Plan, k: int) -> tuple[str, str]:
    """The IRI and acronym of conformity assessment body k (its country is write_conformity's first draw)."""
    country = random.Random(f"{seed}:cab:{k}").choice(accreditation_bodies(plan))
    return iri(org(f"CAB {k}", country[1])), f"CAB{k}"


def requirement_market(seed: int, plan: Plan, i: int) -> str:
    rng = random.Random(f"{seed}:req:{i}")
    heavy = ["EU", "CN", "US", "GB", "JP", "KR", "DE", "FR"]
    return rng.choice(heavy) if rng.random() < 0.6 else rng.choice(COUNTRIES[: plan.markets])


def write_recognition(w: Writer, plan: Plan, seed: int, hs: list[str]) -> None:
    """What the recognition answers walk: acceptance rules of the requirements (through an arrangement,
    a scheme or a body; a standard and edition; an accreditation market; exclusions and conditions),
    curated scope mappings, and conformity assessment bodies taking part in the arrangements (with
    validity, some expired or withdrawn). Written after everything else, so the graph before it is
    unchanged for a seed."""
    six = [c for c in hs if len(c) == 6]
    for i in range(plan.requirements):
        rng = random.Random(f"{seed}:rule:{i}")
        if rng.random() >= 0.4:
            continue
        code = requirement_market(seed, plan, i)
        req = iri(entity("requirement", f"{code} {i}"))
        for k in range(rng.choice((1, 1, 2, 3))):
            node = iri(entity("acceptance-rule", f"{code} {i} {k}"))
            kind = rng.choices(RULE_KINDS, weights=(5, 3, 2, 1, 1))[0]
            w.t(node, A, R["AcceptanceRule"])
            w.t(node, R["forRequirement"], req)
            w.t(node, R["evidenceKind"], lit(kind))
            route = rng.random()
            if route < 0.55:
                w.t(
                    node,
                    R["ruleArrangement"],
                    iri(entity("arrangement", f"mla {rng.randrange(plan.multilateral)}")),
                )
            elif route < 0.8 and plan.schemes:
                w.t(node, R["ruleScheme"], iri(entity("scheme", f"scheme {rng.randrange(plan.schemes)}")))
            else:
                w.t(node, R["ruleBody"], cab(seed, plan, rng.randrange(plan.cabs))[0])
            if rng.random() < 0.6:
                fam = family(seed, i % plan.reference_pool)
                w.t(node, R["ruleStandard"], standard_iri(fam.latest))
                if rng.random() < 0.5:
                    w.t(node, R["editionYear"], lit(str(fam.years[-1])))
                    if rng.random() < 0.3:
                        w.t(node, R["otherEditionsExcluded"], TRUE)
            if rng.random() < 0.25:
                w.t(node, R["accreditationMarket"], iri(market(code)))
            if rng.random() < 0.05:
                w.t(node, R["excludes"], TRUE)
            elif rng.random() < 0.1:
                w.t(
                    node,
                    R["condition"],
                    lit("Only with a factory inspection report of the last 12 months", "en"),
                )
            w.sourced(
                node, iri(f"https://requirements.example.org/{code.lower()}/{i}/rules"), rng.random() < 0.7
            )
        if rng.random() < 0.2 and six:
            target = rng.choice(six)
            node = iri(entity("scope-mapping", f"{code} {i} {target}"))
            w.t(node, A, R["ScopeMapping"])
            w.t(node, R["forRequirement"], req)
            w.t(node, R["mappedCode"], hs_iri(target))
            w.t(node, R["scopeRelation"], lit(rng.choice(("close", "narrower", "broader", "overlap"))))
            w.t(node, R["justification"], lit("The goods of this subheading are named in the scope", "en"))
            w.t(node, CREATOR, lit("bench generator"))
            w.sourced(node, iri(f"https://requirements.example.org/{code.lower()}/{i}/scope"), False)
    for k in range(plan.cabs):
        rng = random.Random(f"{seed}:cab-part:{k}")
        if rng.random() >= 0.2:
            continue
        body, acronym = cab(seed, plan, k)
        for j in rng.sample(range(plan.multilateral), min(plan.multilateral, rng.randint(1, 2))):
            part = iri(entity("participation", f"mla {j} cab {k}"))
            start = rng.randint(2000, 2024)
            w.t(part, A, P["Participation"])
            w.t(part, P["participant"], body)
            w.t(part, P["inArrangement"], iri(entity("arrangement", f"mla {j}")))
            w.t(part, P["participationRole"], iri(vocab("participation-role", "national-certification-body")))
            w.t(part, P["validFrom"], lit(str(start), datatype=str(XSD.gYear)))
            state = rng.random()
            if state < 0.1:
                w.t(part, P["validUntil"], date(min(2025, start + rng.randint(1, 6)), 6, 30))
            elif state < 0.15:
                w.t(part, P["participationStatus"], iri(vocab("arrangement-status", "withdrawn")))
            w.sourced(part, iri(f"https://arrangements.example.org/mla/{j}/bodies/{acronym.lower()}"))


# --- entry points ----------------------------------------


def generate(out: TextIO, triples: int, seed: int = 42) -> int:
    """Write the graph to `out`; returns the number of triples written."""
    plan = Plan.for_size(triples)
    w = Writer(out)
    write_vocabularies(w)
    write_markets(w, plan)
    write_standards_bodies(w, plan)
    write_committees(w, plan, seed)
    write_ics(w, plan, seed)
    hs = write_hs(w, plan)
    write_conformity(w, plan, seed, hs)
    write_arrangements(w, plan, seed)
    write_requirements(w, plan, seed, hs)
    write_agreements(w, plan, seed)
    write_standards(w, plan, seed)
    write_recognition(w, plan, seed, hs)
    w.flush()
    return w.count


def generate_file(path: Path, triples: int, seed: int = 42) -> int:
    """Generate into `path` atomically (a half-written cache file would be reused by the harness)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    with partial.open("w", encoding="utf-8", newline="\n") as out:
        count = generate(out, triples, seed)
    partial.replace(path)
    return count


def validate_file(path: Path) -> bool:
    """SHACL-check a small output with the project's shapes; prints the report in words."""
    from rdflib import Graph

    from stdgraph.validation import validate

    graph = Graph().parse(path, format="nt")
    report = validate(graph)
    print(report.text() if not report.conforms else f"{path}: {len(graph)} triples conform to the shapes")
    return report.conforms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, default=100_000, help="approximate number of triples")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--validate", action="store_true", help="SHACL-check the output (up to 100k triples)")
    args = parser.parse_args(argv)
    count = generate_file(args.out, args.triples, args.seed)
    print(f"wrote {count} triples to {args.out}")
    if args.validate:
        if count > 100_000:
            print("--validate: the output is too large for a full pySHACL run; generate <= 100k triples")
            return 2
        return 0 if validate_file(args.out) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
