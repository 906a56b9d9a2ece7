"""China's free trade agreements (facts.md §4) with their environment chapters and coded provisions.

Curated rather than read from ToTA/TREND: the newer agreements (2017 on) are in neither corpus, and facts.md
states which chapters and articles carry environmental commitments. A chapter whose number the sources do not
give has none; an agreement without an environment chapter has none, and its note cites the source saying so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pycountry
from rdflib import Literal, URIRef

from ingest import agreement_matching
from stdgraph.namespaces import DCTERMS, RDF, RDFS, SG, SGID, SKOS, entity, market, vocab
from stdgraph.sources import DataFile, Source, SourceDataError, SourceInput
from stdgraph.terms import CellError, Triple, date_literal, sourced, split_list

AGREEMENTS, CHAPTERS = "trade_agreements.csv", "agreement_chapters.csv"
PROVISIONS, CATEGORIES = "agreement_provisions.csv", "provision_categories.csv"
SCHEME = URIRef(SGID["vocab/provision-category"])
TOPICS = ("environment", "other")

SOURCE = Source(
    name="curated-trade-agreements",
    title="China's free trade agreements: environment chapters and provisions (curated)",
    publisher="stdgraph (curated from ToTA texts, MOFCOM and partner-government pages)",
    homepage="https://github.com/mappingtreaties/tota",
    licence="facts compiled from public sources; cite each row's source (ToTA texts: CC BY-NC 4.0)",
    files=(
        DataFile(
            AGREEMENTS,
            (
                "key",
                "desta",
                "name_en",
                "name_zh",
                "parties",
                "signed",
                "in_force",
                "amends",
                "note",
                "source",
                "confidence",
            ),
        ),
        DataFile(
            CHAPTERS,
            ("agreement", "chapter_number", "title_en", "topic", "articles", "note", "source", "confidence"),
        ),
        DataFile(PROVISIONS, ("agreement", "article", "category", "summary", "source", "confidence")),
        DataFile(CATEGORIES, ("code", "label_en", "definition", "source", "confidence")),
    ),
    triples=lambda src: triples(src),  # defined below
    # Off the default build until the shapes allow an unnumbered chapter and RCEP without its party list.
)


def iri_key(row: dict[str, str]) -> str:
    """The key of a curated agreement's IRI: its DESTA number when the `desta` column gives one (the rules of
    `ingest.agreement_matching`, checked against DESTA and TREND by tests/test_agreement_matching.py), so that
    DESTA, TREND, ToTA and this file name one node; else its own key."""
    return agreement_matching.desta_key(row["desta"]) if row.get("desta") else row["key"]


def agreement(key: str) -> URIRef:
    return URIRef(entity("agreement", key))


def category(code: str) -> URIRef:
    return URIRef(vocab("provision-category", code))


def _text(row: dict[str, str], cell: str, lang: str | None = "en") -> Iterator[Literal]:
    if row[cell]:
        yield Literal(row[cell], lang=lang)


def articles(cell: str) -> list[str]:
    """'12.1-12.8' -> 12.1 ... 12.8; '96' -> 96; several ranges or numbers separated by ';'."""
    numbers: list[str] = []
    for item in split_list(cell):
        match = re.fullmatch(r"(\d+)\.(\d+)\s*-\s*(\d+)\.(\d+)", item)
        if match:
            chapter, first, chapter_end, last = match.groups()
            if chapter != chapter_end or int(first) > int(last):
                raise CellError(f"article range {item!r} must stay in one chapter and ascend")
            numbers += [f"{chapter}.{n}" for n in range(int(first), int(last) + 1)]
        elif re.fullmatch(r"\d+(?:\.\d+)?", item):
            numbers.append(item)
        else:
            raise CellError(f"articles {item!r}: write 12.1-12.8, 12.2 or 96")
    return numbers


def agreement_triples(row: dict[str, str], known: dict[str, str] | set[str]) -> Iterator[Triple]:
    """An agreement, its parties (ISO 3166-1 markets) and dates; `known` maps the keys it may amend to their
    IRI keys (a set when they are the same)."""
    known = known if isinstance(known, dict) else {k: k for k in known}
    try:
        node = agreement(iri_key(row))
    except ValueError as exc:
        raise CellError(f"desta {row['desta']!r}: {exc}") from None
    yield node, RDF.type, SG.TradeAgreement
    yield from ((node, SKOS.prefLabel, v) for v in _text(row, "name_en"))
    yield from ((node, SKOS.prefLabel, v) for v in _text(row, "name_zh", "zh"))
    for code in split_list(row["parties"]):
        if pycountry.countries.get(alpha_2=code) is None:
            raise CellError(f"party {code!r} is not an ISO 3166-1 alpha-2 code")
        yield node, SG.party, URIRef(market(code))
    for cell, prop in (("signed", SG.signedOn), ("in_force", SG.entryIntoForce)):
        if row[cell]:
            yield node, prop, date_literal(row[cell])
    if row["amends"]:
        if row["amends"] not in known:
            raise CellError(f"amends {row['amends']!r} is not the key of an agreement in {AGREEMENTS}")
        yield node, SG.amendsAgreement, agreement(known[row["amends"]])
    yield from ((node, RDFS.comment, v) for v in _text(row, "note"))
    yield from sourced(node, row["source"], row["confidence"])


def chapter_triples(row: dict[str, str], keys: dict[str, str] | None = None) -> Iterator[Triple]:
    """A chapter; without a verified number it is keyed by its topic and carries no number. `keys` maps
    agreement keys to IRI keys, so that ToTA's chapter and article of one agreement are the same nodes."""
    key = (keys or {}).get(row["agreement"], row["agreement"])
    if row["topic"] not in TOPICS:
        raise CellError(f"topic {row['topic']!r} is not one of {', '.join(TOPICS)}")
    number = row["chapter_number"]
    if number and not number.isdigit():
        raise CellError(f"chapter_number {number!r} is not a number")
    node = URIRef(entity("chapter", f"{key} {number or row['topic'] + ' chapter'}"))
    yield agreement(key), SG.hasChapter, node
    yield node, RDF.type, SG.AgreementChapter
    yield node, SG.chapterTopic, URIRef(vocab("chapter-topic", row["topic"]))
    if number:
        yield node, SG.chapterNumber, Literal(number)
    yield from ((node, DCTERMS.title, v) for v in _text(row, "title_en"))
    for article in articles(row["articles"]):
        article_node = URIRef(entity("article", f"{key} {article}"))
        yield node, SG.hasArticle, article_node
        yield article_node, RDF.type, SG.AgreementArticle
        yield article_node, SG.articleNumber, Literal(article)
    yield from ((node, RDFS.comment, v) for v in _text(row, "note"))
    yield from sourced(node, row["source"], row["confidence"])


def provision_triples(
    row: dict[str, str], codes: set[str], keys: dict[str, str] | None = None
) -> Iterator[Triple]:
    """A coded provision of an agreement, at the article the source names (if any)."""
    if row["category"] not in codes:
        raise CellError(f"category {row['category']!r} is not a code in {CATEGORIES}")
    if not row["summary"]:
        raise CellError("summary is blank: say what the provision states")
    node = URIRef(entity("provision", f"{row['agreement']} {row['article']} {row['category']}"))
    yield node, RDF.type, SG.Provision
    target = agreement((keys or {}).get(row["agreement"], row["agreement"]))
    yield node, SG.provisionOf, target
    yield target, SG.hasProvision, node
    yield node, SG.provisionCategory, category(row["category"])
    if row["article"]:
        articles(row["article"])  # checks the form
        yield node, SG.articleRef, Literal(row["article"])
    yield node, RDFS.comment, Literal(row["summary"], lang="en")
    yield from sourced(node, row["source"], row["confidence"])


def category_triples(row: dict[str, str]) -> Iterator[Triple]:
    """A concept of the provision-category scheme (the TREND variables are to join this scheme)."""
    if not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", row["code"]):
        raise CellError(f"code {row['code']!r} is not lower-case-hyphenated")
    node = category(row["code"])
    yield node, RDF.type, SKOS.Concept
    yield node, SKOS.inScheme, SCHEME
    yield node, SKOS.notation, Literal(row["code"])
    yield node, SKOS.prefLabel, Literal(row["label_en"], lang="en")
    yield from ((node, SKOS.definition, v) for v in _text(row, "definition"))
    yield from sourced(node, row["source"], row["confidence"])


def _transform(
    name: str,
    rows: list[tuple[int, dict[str, str]]],
    transform: Callable[..., Iterator[Triple]],
    keys: set[str],
    *args: object,
) -> Iterator[Triple]:
    """Run a row transform, checking that a row's `agreement` is a known key; errors name file and line."""
    for line, row in rows:
        try:
            if "agreement" in row and row["agreement"] not in keys:
                raise CellError(f"agreement {row['agreement']!r} is not a key in {AGREEMENTS}")
            yield from transform(row, *args)
        except CellError as exc:
            raise SourceDataError(f"{name}, line {line}: {exc}") from None


def triples(src: SourceInput) -> Iterator[Triple]:
    """Categories and agreements first, so provisions and upgrades can be checked against their keys."""
    yield SCHEME, RDF.type, SKOS.ConceptScheme
    yield SCHEME, RDF.type, SG.ProvisionScheme
    yield SCHEME, SKOS.prefLabel, Literal("Environmental provision categories", lang="en")
    rows = {f.name: list(src.rows(f.name)) for f in SOURCE.files}
    codes = {row["code"] for _, row in rows[CATEGORIES]}
    keys: dict[str, str] = {}
    for line, row in rows[AGREEMENTS]:
        try:
            keys[row["key"]] = iri_key(row)
        except ValueError as exc:
            raise SourceDataError(f"{AGREEMENTS}, line {line}: desta {row['desta']!r}: {exc}") from None
    yield from _transform(CATEGORIES, rows[CATEGORIES], category_triples, set(keys))
    yield from _transform(AGREEMENTS, rows[AGREEMENTS], agreement_triples, set(keys), keys)
    yield from _transform(CHAPTERS, rows[CHAPTERS], chapter_triples, set(keys), keys)
    yield from _transform(PROVISIONS, rows[PROVISIONS], provision_triples, set(keys), codes, keys)
