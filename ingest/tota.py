"""ToTA: Texts of Trade Agreements (CC BY-NC 4.0): WTO RTA metadata of 450 agreements; chapters and
articles of the texts whose parties include China.

Every metadata row becomes an agreement (WTO RTA id, dates of signature and entry into force, parties), joined
to its DESTA entry by `ingest.agreement_matching` (parties and year, then name). For each XML text of an
agreement with a party in `TEXT_PARTIES`, every chapter becomes an `sg:AgreementChapter` with its number and
title, and every numbered article an `sg:AgreementArticle` with its number and title (the unnumbered texts,
preambles and closing words, are not articles); the wording (`sg:text`) is kept for the articles of
environment chapters and for articles whose own title names the environment.

Licence: the texts are CC BY-NC 4.0. This source is not part of the default graph and the project ships none
of its text: `stdgraph build --source tota` reads the user's own copy of ToTA.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator

from rdflib import Literal, URIRef

from ingest.agreement_matching import (
    DestaIndex,
    Entry,
    Match,
    agreement,
    alpha3_party,
    desta_beside,
    desta_key,
    iter_notes,
    report,
    tota_key,
    wto_key,
)
from stdgraph.namespaces import DCTERMS, RDF, SG, SKOS, entity, market, vocab
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.terms import Triple, date_literal, split_list

FILE = "tota_metadata.csv"
HOMEPAGE = "https://github.com/mappingtreaties/tota"
RTA_CARD = "http://rtais.wto.org/UI/PublicShowRTAIDCard.aspx?rtaid={}"
TEXT_PARTIES = frozenset({"CHN"})
"""Parties whose agreements' texts are read (the shared data holds the 15 texts with China as a party)."""
ENVIRONMENT = re.compile(r"environment", re.IGNORECASE)
PRIMARY = URIRef(vocab("evidence-level", "primary"))
LICENCE = (
    "CC BY-NC 4.0 (non-commercial): cite Alschner, W., J. Seiermann and D. Skougarevskiy (2017), "
    "Text-as-data analysis of preferential trade agreements: Mapping the PTA landscape, "
    "UNCTAD Research Paper No. 5. "
    "Not in the default graph; the project ships no ToTA text."
)

SOURCE = Source(
    name="tota",
    title="ToTA: texts of trade agreements (metadata of 450; chapters and articles of China's)",
    publisher="Alschner, Seiermann and Skougarevskiy (mappingtreaties), from the WTO RTA-IS",
    homepage=HOMEPAGE,
    licence=LICENCE,
    location="shared:tota-trade-agreement-texts",
    retrieved="2017-10-04",
    default=False,
    files=(
        DataFile(
            FILE,
            (
                "file",
                "treaty_identifier",
                "wto_rta_id",
                "name",
                "date_signed",
                "date_into_force",
                "parties_original",
                "parties",
            ),
        ),
    ),
    triples=lambda src: triples(src),  # defined below
    description="ToTA 0.5.0 (mappingtreaties/tota at 2558ee5). Licence CC BY-NC 4.0: non-commercial use "
    "only; read from the user's copy, not shipped.",
)


def parties(cell: str) -> tuple[list[str], list[str]]:
    mapped, unmapped = [], []
    for code in split_list(cell):
        alpha2 = alpha3_party(code)
        (mapped if alpha2 else unmapped).append(alpha2 or code)
    return mapped, unmapped


def entry(row: dict[str, str]) -> Entry:
    year = row["date_signed"][:4] or None
    return Entry(
        "ToTA",
        f"pta_{row['treaty_identifier']}",
        row["name"],
        year,
        frozenset(parties(row["parties_original"])[0]),
        alt_parties=frozenset(parties(row["parties"])[0]),
    )


def in_force_before_signature(row: dict[str, str]) -> bool:
    """ToTA dates a few agreements into force before their signature; that date is left out and reported."""
    return bool(row["date_signed"] and row["date_into_force"] and row["date_into_force"] < row["date_signed"])


def agreement_triples(row: dict[str, str], key: str, matched: bool) -> Iterator[Triple]:
    node = agreement(key)
    yield node, RDF.type, SG.TradeAgreement
    yield node, SKOS.altLabel if matched else SKOS.prefLabel, Literal(row["name"], lang="en")
    if row["wto_rta_id"]:
        yield node, SG.wtoRtaId, Literal(row["wto_rta_id"])
        yield node, DCTERMS.source, URIRef(RTA_CARD.format(row["wto_rta_id"]))
    if row["date_signed"]:
        yield node, SG.signedOn, date_literal(row["date_signed"])
    if row["date_into_force"] and not in_force_before_signature(row):
        yield node, SG.entryIntoForce, date_literal(row["date_into_force"])
    for code in parties(row["parties"])[0]:
        yield node, SG.party, URIRef(market(code))
    yield node, DCTERMS.source, Literal(f"mappingtreaties/tota:{row['file']}")
    yield node, SG.evidenceLevel, PRIMARY


def _number(text: str | None, word: str) -> str | None:
    """'CHAPTER 12' -> '12', 'ARTICLE 12.1' -> '12.1', 'CHAPTER IV' -> 'IV' (as printed, without the word)."""
    if not text:
        return None
    return re.sub(rf"^\s*{word}\s+", "", text, flags=re.IGNORECASE).strip() or None


def _clean(text: str | None) -> str:
    """ToTA's text with non-breaking spaces as spaces and runs of blank lines cut to one."""
    text = (text or "").replace("\u00a0", " ")
    return re.sub(r"\n\s*\n\s*\n+", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip()


def text_triples(root: ET.Element, key: str, file: str) -> Iterator[Triple]:
    """Chapters and articles of one text; wording only for the environmental ones."""
    body = root.find("body")
    if body is None:
        raise ValueError("no <body> element")
    node = agreement(key)
    chapters = body.findall("chapter")
    numbers = Counter(_number(a.get("number"), "article") for c in chapters for a in c.findall("article"))
    for chapter in chapters:
        number = _number(chapter.get("number"), "chapter")
        title = chapter.get("name")
        ch = URIRef(entity("chapter", f"{key} {number or 'tota ' + chapter.get('chapter_identifier', '')}"))
        environmental = bool(title and ENVIRONMENT.search(title))
        yield node, SG.hasChapter, ch
        yield ch, RDF.type, SG.AgreementChapter
        yield ch, SG.chapterTopic, URIRef(vocab("chapter-topic", "environment" if environmental else "other"))
        if number:
            yield ch, SG.chapterNumber, Literal(number)
        if title:
            yield ch, DCTERMS.title, Literal(title, lang="en")
        yield ch, DCTERMS.source, Literal(f"mappingtreaties/tota:{file}")
        for article in chapter.findall("article"):
            art_number = _number(article.get("number"), "article")
            if not art_number:  # a preamble or closing text: no article of its own
                continue
            if numbers[art_number] == 1:
                art = URIRef(entity("article", f"{key} {art_number}"))
            else:
                art = URIRef(entity("article", f"{key} tota {article.get('article_identifier', '')}"))
            art_title = article.get("name")
            yield ch, SG.hasArticle, art
            yield art, RDF.type, SG.AgreementArticle
            yield art, SG.articleNumber, Literal(art_number)
            if art_title:
                yield art, DCTERMS.title, Literal(art_title, lang="en")
            own = bool(art_title and ENVIRONMENT.search(art_title))
            if environmental or own:
                yield art, SG.articleTopic, URIRef(vocab("chapter-topic", "environment"))
                if _clean(article.text):
                    yield art, SG.text, Literal(_clean(article.text), lang="en")


def assign_keys(
    rows: list[tuple[int, dict[str, str]]], desta: DestaIndex
) -> tuple[dict[str, Match], list[str]]:
    """The match of each row; a DESTA entry that two rows match is left to neither (reported)."""
    matches = {row["treaty_identifier"]: desta.match(entry(row)) for _, row in rows}
    claimed = Counter(m.desta for m in matches.values() if m.matched)
    twice = []
    for ident, m in matches.items():
        if m.matched and claimed[m.desta] > 1:
            twice.append(f"pta_{ident} {m.entry.name}: DESTA {m.desta} is matched by {claimed[m.desta]} rows")
            matches[ident] = Match(m.entry, None, "", f"DESTA {m.desta} also matched by another ToTA row")
    return matches, twice


def row_key(row: dict[str, str], m: Match) -> str:
    """DESTA's key when matched, else the WTO RTA id, else ToTA's own id (a few rows have no RTA id)."""
    if m.desta:
        return desta_key(m.desta)
    if row["wto_rta_id"]:
        return wto_key(row["wto_rta_id"])
    return tota_key(row["treaty_identifier"])


def triples(src: SourceInput) -> Iterator[Triple]:
    desta = desta_beside(src)
    rows = list(src.rows(FILE))
    try:
        matches, twice = assign_keys(rows, desta)
    except ValueError as exc:
        raise SourceDataError(f"{FILE}: {exc}") from None
    unmapped, early, texts = [], [], 0
    for line, row in rows:
        m = matches[row["treaty_identifier"]]
        try:
            key = row_key(row, m)
            yield from agreement_triples(row, key, m.matched)
            codes = parties(row["parties"])[1]
        except ValueError as exc:
            raise SourceDataError(f"{FILE}, line {line}: {exc}") from None
        if codes:
            unmapped.append(f"pta_{row['treaty_identifier']} {row['name']}: {', '.join(codes)}")
        if in_force_before_signature(row):
            early.append(
                f"pta_{row['treaty_identifier']} {row['name']}: signed {row['date_signed']}, "
                f"in force {row['date_into_force']}"
            )
        if TEXT_PARTIES & set(split_list(row["parties"])):
            path = src.path(row["file"])
            try:
                yield from text_triples(ET.parse(path).getroot(), key, row["file"])
            except (ET.ParseError, ValueError) as exc:
                raise SourceDataError(f"{path}: {exc}") from None
            texts += 1
    rules = Counter(m.rule for m in matches.values() if m.matched)
    src.notes.append(
        f"ToTA rows matched to DESTA: {sum(rules.values())} of {len(rows)} "
        f"({', '.join(f'{r}: {n}' for r, n in sorted(rules.items()))}); texts read: {texts}"
    )
    src.notes.append(
        report("ToTA rows not matched to DESTA (kept as wto-rta-{id})", list(iter_notes(matches.values())))
    )
    src.notes.append(report("ToTA rows matching a DESTA entry another row also matches", twice))
    src.notes.append(report("ToTA parties with no ISO 3166-1 market, left out of sg:party", unmapped))
    src.notes.append(report("ToTA entry-into-force dates before the signature, left out", early))
