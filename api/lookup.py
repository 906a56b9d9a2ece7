"""From what a user writes in a URL to the entity's IRI, or to a 404 that suggests the closest ones.

Standards accept what people write (`GB/T 24001-2016`, `ISO 14067:2018`, `ISO 14067`, full-width forms),
the slug of the IRI (`gb-t-24001_2016`) or the full IRI, through `stdgraph.identifiers`. Other entities
accept their slug (`iaf-mla`), their full IRI and, for bodies, their acronym (`CNAS`). An IRI is only
an answer when the graph has it; otherwise `NotFound` carries suggestions found by prefix (standards)
or by a close spelling (other kinds).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from urllib.parse import unquote

from rdflib import Literal, URIRef

from api.facts import text
from api.named_queries import ApiError
from api.resource_common import ox_rows
from stdgraph import identifiers
from stdgraph.namespaces import SG, SGID
from stdgraph.store import GraphStore

SUGGESTIONS = 5
_SLUG = re.compile(r"[a-z0-9][a-z0-9._~-]*")

TYPES = "SELECT ?type WHERE { ?x a ?type }"
# The 404 path's prefix searches. Each scan is a sub-select that projects `?prefix` (so `bind_values` binds
# it inside) and the rest joins its few answers: with the scan and the joins in one group, Oxigraph
# evaluated `sg:hasEdition?` and the type patterns over the whole graph first (5-6 s a search on the
# catalogue, and a 404 then ran into the 10 s time limit; ~0.45 s so, bench/RESULTS.md).
# Works whose canonical identifier starts with the prefix (works are fewer than editions; no LCASE: the
# prefix is canonical too), then the works and their editions.
WORKS_BY_PREFIX = """
SELECT DISTINCT ?x ?identifier ?type WHERE {
  { SELECT DISTINCT ?work ?prefix WHERE {
      ?work a sg:Standard ;
            dcterms:identifier ?workIdentifier .
      FILTER(STRSTARTS(?workIdentifier, ?prefix))
    } LIMIT 200 }
  ?work sg:hasEdition? ?x .
  ?x dcterms:identifier ?identifier ;
     a ?type .
  FILTER(?type = sg:Edition || ?type = sg:Standard)
}
LIMIT 200
"""
# Text that is not a reference: any identifier starting with it, ignoring case.
STANDARDS_BY_PREFIX = """
SELECT DISTINCT ?x ?identifier ?type WHERE {
  { SELECT DISTINCT ?x ?identifier ?prefix WHERE {
      ?x dcterms:identifier ?identifier .
      FILTER(STRSTARTS(LCASE(?identifier), ?prefix))
    } }
  ?x a ?type .
  FILTER(?type = sg:Edition || ?type = sg:Standard)
}
LIMIT 200
"""
STANDARDS_BY_IRI_PREFIX = """
SELECT DISTINCT ?x ?identifier ?type WHERE {
  { SELECT DISTINCT ?x ?prefix WHERE {
      ?x a ?kind .
      FILTER(?kind = sg:Edition || ?kind = sg:Standard)
      FILTER(STRSTARTS(STR(?x), ?prefix))
    } }
  ?x a ?type ;
     dcterms:identifier ?identifier .
  FILTER(?type = sg:Edition || ?type = sg:Standard)
}
LIMIT 200
"""
MEMBERS = """
SELECT DISTINCT ?x ?name WHERE {
  ?x a ?class ;
     skos:prefLabel|sg:acronym ?name .
}
"""
BY_ACRONYM = "SELECT DISTINCT ?x WHERE { ?x sg:acronym ?acronym ; a ?class }"


class NotFound(ApiError):
    def __init__(self, what: str, given: str, suggestions: list[dict]) -> None:
        hint = ""
        if suggestions:
            hint = "; did you mean " + ", ".join(repr(s["id"]) for s in suggestions[:3]) + "?"
        super().__init__(404, f"no {what} {given!r} in the graph{hint}", suggestions=suggestions)


@dataclass(frozen=True)
class Resolved:
    iri: str
    types: tuple[str, ...]


def _types(store: GraphStore, iri: str) -> tuple[str, ...]:
    """The entity's classes, read in Oxigraph's terms (no rdflib term made)."""
    try:
        return tuple(text(r["type"]) for r in ox_rows(store, TYPES, {"x": URIRef(iri)}))  # type: ignore[arg-type]
    except ValueError:  # not an IRI Oxigraph accepts
        return ()


def clean(raw: str) -> str:
    return unquote(raw).strip()


# ---------------------------------------------------------------------------------------------------
# standards


def standard_candidates(text: str) -> list[str]:
    """The IRIs `text` may name, best first: a full IRI, a reference as written, a slug."""
    if text.startswith(str(SGID)):
        return [text]
    candidates = []
    try:
        ref = identifiers.parse(text)
        candidates.append(ref.edition_iri if ref.is_edition else ref.standard_iri)
    except identifiers.IdentifierError:
        pass
    if _SLUG.fullmatch(text):
        candidates += [str(SGID[f"edition/{text}"]), str(SGID[f"standard/{text}"])]
    return candidates


def resolve_standard(store: GraphStore, raw: str) -> Resolved:
    """The edition or work that `raw` names, or NotFound with the closest identifiers."""
    text = clean(raw)
    if not text:
        raise ApiError(422, "the standard identifier is empty; write e.g. ISO 14067:2018 or GB/T 24001-2016")
    for iri in standard_candidates(text):
        types = _types(store, iri)
        if str(SG.Edition) in types or str(SG.Standard) in types:
            return Resolved(iri, types)
    raise NotFound("standard", text, suggest_standards(store, text))


def _prefixes(text: str) -> list[list[tuple[str, str]]]:
    """Groups of (query, prefix) to look for near misses, the most specific group first."""
    try:
        ref = identifiers.parse(text)
    except identifiers.IdentifierError:
        ref = None
    if ref is not None:
        return [
            [(WORKS_BY_PREFIX, ref.work)],
            [(WORKS_BY_PREFIX, f"{ref.work_ref.publishers[0]} {ref.number}")],
        ]
    if text.startswith(str(SGID)) or _SLUG.fullmatch(text):
        slug = text.rsplit("/", 1)[-1].split("_", 1)[0]
        return [
            [
                (STANDARDS_BY_IRI_PREFIX, str(SGID[f"standard/{slug}"])),
                (STANDARDS_BY_IRI_PREFIX, str(SGID[f"edition/{slug}_"])),
            ]
        ]
    return [[(STANDARDS_BY_PREFIX, text.lower())]]


def suggest_standards(store: GraphStore, text: str) -> list[dict]:
    """Up to five existing identifiers close to `text`: editions before works, later years first."""
    for group in _prefixes(text):
        rows = [r for query, prefix in group for r in store.select(query, {"prefix": Literal(prefix)}).rows]
        if rows:
            found = {
                str(r["identifier"]): (str(r["type"]) == str(SG.Standard), str(r["x"]))
                for r in rows
                if r["identifier"] is not None
            }
            ranked = sorted(found.items(), key=lambda item: (item[1][0], _reverse(item[0])))
            return [{"id": ident, "iri": iri} for ident, (_, iri) in ranked[:SUGGESTIONS]]
    return []


def _reverse(text: str) -> list[int]:
    return [-ord(c) for c in text]


# ---------------------------------------------------------------------------------------------------
# other entities


def resolve_entity(
    store: GraphStore, raw: str, kind: str, classes: tuple[URIRef, ...], what: str
) -> Resolved:
    """An entity of one of `classes` named by slug, IRI or (for organisations) acronym."""
    text = clean(raw)
    if not text:
        raise ApiError(422, f"the {what} identifier is empty")
    candidates = [text] if text.startswith(str(SGID)) else []
    if _SLUG.fullmatch(text.lower()):
        candidates.append(str(SGID[f"{kind}/{text.lower()}"]))
    wanted = {str(c) for c in classes}
    for iri in candidates:
        types = _types(store, iri)
        if wanted & set(types):
            return Resolved(iri, types)
    if kind == "org":
        for cls in classes:
            rows = store.select(BY_ACRONYM, {"acronym": Literal(text), "class": cls}).rows
            iris = sorted({str(r["x"]) for r in rows})
            if len(iris) == 1:
                return Resolved(iris[0], _types(store, iris[0]))
            if len(iris) > 1:
                raise ApiError(
                    409,
                    f"{text!r} names {len(iris)} {what}s; use one of their ids",
                    suggestions=[{"id": i.rsplit("/", 1)[1], "iri": i} for i in iris],
                )
    raise NotFound(what, text, suggest_entities(store, text, kind, classes))


def suggest_entities(store: GraphStore, text: str, kind: str, classes: tuple[URIRef, ...]) -> list[dict]:
    """Members of the classes whose slug or name contains `text`, then those spelt closest to it."""
    names: dict[str, str] = {}  # lower-case slug or name -> IRI
    for cls in classes:
        for row in store.select(MEMBERS, {"class": cls}).rows:
            iri = str(row["x"])
            if not iri.startswith(str(SGID[f"{kind}/"])):
                continue
            names.setdefault(iri.rsplit("/", 1)[1], iri)
            names.setdefault(str(row["name"]).lower(), iri)
    needle = text.lower().rsplit("/", 1)[-1]
    ranked = [iri for name, iri in sorted(names.items()) if needle and needle in name]
    ranked += [names[n] for n in difflib.get_close_matches(needle, list(names), n=10, cutoff=0.5)]
    unique = list(dict.fromkeys(ranked))[:SUGGESTIONS]
    return [{"id": iri.rsplit("/", 1)[1], "iri": iri} for iri in unique]
