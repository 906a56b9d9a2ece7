"""IRIs of stdgraph: the ontology, minted entities, named graphs and reused vocabularies.

Every entity IRI is built here (or by `stdgraph.identifiers` for standards), so that the same thing
named by two sources becomes one node.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

SG = Namespace("https://w3id.org/stdgraph/ontology#")
SGID = Namespace("https://w3id.org/stdgraph/id/")
SGG = Namespace("https://w3id.org/stdgraph/graph/")
ORG = Namespace("http://www.w3.org/ns/org#")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")

ONTOLOGY_IRI = "https://w3id.org/stdgraph/ontology"
META_GRAPH = SGG["meta"]

PREFIXES: dict[str, str] = {
    "sg": str(SG),
    "sgid": str(SGID),
    "sgg": str(SGG),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "void": str(VOID),
    "dcat": str(DCAT),
    "semapv": str(SEMAPV),
}

__all__ = [
    "DCAT",
    "DCTERMS",
    "META_GRAPH",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SEMAPV",
    "SG",
    "SGG",
    "SGID",
    "SKOS",
    "VOID",
    "XSD",
    "committee",
    "entity",
    "graph",
    "ics",
    "market",
    "org",
    "slugify",
    "vocab",
]

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A lower-case, ASCII, hyphen-separated key; raises when nothing usable is left."""
    folded = unicodedata.normalize("NFKC", text).lower()
    slug = _NON_SLUG.sub("-", folded).strip("-")
    if not slug:
        raise ValueError(f"cannot make an identifier from {text!r}: it has no letters or digits")
    return slug


def entity(kind: str, key: str) -> str:
    """IRI of a curated entity of `kind` (e.g. 'org', 'scheme') whose stable key is `key`."""
    return str(SGID[f"{kind}/{slugify(key)}"])


def org(acronym: str, country: str | None = None) -> str:
    """IRI of an organisation: its acronym, plus its ISO 3166 country when the body is national.

    The country keeps apart bodies that share an acronym (SAC is both the Standardization Administration
    of China and the Singapore Accreditation Council); international and regional bodies have none.
    """
    key = f"{acronym} {country}" if country else acronym
    return entity("org", key)


def vocab(scheme: str, value: str) -> str:
    """IRI of a controlled value, e.g. vocab('adoption-degree', 'IDT')."""
    return str(SGID[f"vocab/{scheme}/{value}"])


def market(code: str) -> str:
    """IRI of a market: ISO 3166-1 alpha-2 code or 'EU'."""
    code = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 code (or 'EU')")
    return str(SGID[f"market/{code}"])


def graph(name: str) -> str:
    """IRI of the named graph that holds one source."""
    return str(SGG[slugify(name)])


def committee(reference: str) -> str:
    """IRI of a committee by its reference: 'ISO/TC 207/SC 7' -> sgid:committee/iso-tc-207-sc-7."""
    return entity("committee", reference)


def ics(code: str) -> str:
    """IRI of an ICS code (field, group or sub-group), e.g. '13.020.40' -> sgid:ics/13.020.40."""
    code = code.strip()
    if not re.fullmatch(r"[0-9]{2}(\.[0-9]{3}(\.[0-9]{2})?)?", code):
        raise ValueError(f"{code!r} is not an ICS code: write NN, NN.NNN or NN.NNN.NN (e.g. 13.020.40)")
    return str(SGID[f"ics/{code}"])
