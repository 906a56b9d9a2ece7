"""The ontology and its controlled vocabularies: well-formed, documented, in step with the contract
(DEVELOPERS.md) and consistent under HermiT."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from stdgraph.ontology_check import check_ontology

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "stdgraph.ttl"
VOCABULARIES = ROOT / "ontology" / "vocabularies.ttl"
CONTRACT = ROOT / "DEVELOPERS.md"

SG = "https://w3id.org/stdgraph/ontology#"
ONTOLOGY_IRI = URIRef("https://w3id.org/stdgraph/ontology")
VERSION_IRI = URIRef("https://w3id.org/stdgraph/ontology/0.1.0")
VOCAB = "https://w3id.org/stdgraph/id/vocab/"

DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
SG_TOKEN = re.compile(r"\bsg:([A-Za-z][A-Za-z0-9]*)")

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def vocabularies() -> Graph:
    return Graph().parse(VOCABULARIES, format="turtle")


def sg_declared(graph: Graph) -> set[URIRef]:
    return {
        s
        for t in DECLARATION_TYPES
        for s in graph.subjects(RDF.type, t)
        if isinstance(s, URIRef) and str(s).startswith(SG)
    }


def sg_used(graph: Graph) -> set[URIRef]:
    return {
        term for triple in graph for term in triple if isinstance(term, URIRef) and str(term).startswith(SG)
    }


def contract_terms() -> set[URIRef]:
    """Every `sg:Xxx` token of DEVELOPERS.md's vocabulary section."""
    text = CONTRACT.read_text(encoding="utf-8")
    section = text.split("## Vocabulary", 1)[1].split("\n## ", 1)[0]
    return {URIRef(SG + name) for name in SG_TOKEN.findall(section)}


def short(terms: set[URIRef]) -> list[str]:
    return sorted(str(t).replace(SG, "sg:") for t in terms)


# ---------------------------------------------------------------- the ontology file


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert (ONTOLOGY_IRI, OWL.versionIRI, VERSION_IRI) in ontology
    assert (ONTOLOGY_IRI, OWL.versionInfo, Literal("0.1.0")) in ontology
    for p in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator):
        assert ontology.value(ONTOLOGY_IRI, p) is not None, f"the ontology has no {p}"
    assert not list(ontology.objects(ONTOLOGY_IRI, OWL.imports)), "no owl:imports: no network"


def test_ontology_is_tbox_only(ontology: Graph) -> None:
    individuals = set(ontology.subjects(RDF.type, OWL.NamedIndividual))
    assert not individuals, f"individuals belong in the data, not the ontology: {individuals}"


def test_every_sg_term_has_labels_and_one_definition(ontology: Graph) -> None:
    problems: dict[str, list[str]] = defaultdict(list)
    for term in sg_declared(ontology):
        name = str(term).replace(SG, "sg:")
        langs = {lbl.language for lbl in ontology.objects(term, RDFS.label)}
        for lang in ("en", "zh"):
            if lang not in langs:
                problems[name].append(f"no rdfs:label @{lang}")
        definitions = list(ontology.objects(term, SKOS.definition))
        if len(definitions) != 1:
            problems[name].append(f"{len(definitions)} skos:definition (want exactly 1)")
        elif getattr(definitions[0], "language", None) != "en":
            problems[name].append("skos:definition is not @en")
    assert not problems, "terms lacking documentation:\n" + "\n".join(
        f"  {name}: {'; '.join(why)}" for name, why in sorted(problems.items())
    )


def test_every_term_is_declared_once(ontology: Graph) -> None:
    twice = [
        str(t)
        for t in sg_declared(ontology)
        if len({k for k in DECLARATION_TYPES if (t, RDF.type, k) in ontology}) > 1
    ]
    assert not twice, f"declared as more than one kind of entity (not OWL 2 DL): {twice}"


def test_every_used_sg_term_is_declared(ontology: Graph) -> None:
    undeclared = sg_used(ontology) - sg_declared(ontology)
    assert not undeclared, f"used in the ontology but not declared: {short(undeclared)}"


def test_contract_terms_are_declared(ontology: Graph) -> None:
    terms = contract_terms()
    assert len(terms) > 50, "could not read the vocabulary table of DEVELOPERS.md"
    missing = terms - sg_declared(ontology)
    assert not missing, f"in DEVELOPERS.md but not declared in the ontology: {short(missing)}"


def test_declared_terms_are_in_the_contract(ontology: Graph) -> None:
    extra = sg_declared(ontology) - contract_terms()
    assert not extra, f"declared in the ontology but absent from DEVELOPERS.md: {short(extra)}"


def test_vocabulary_terms_are_declared(ontology: Graph, vocabularies: Graph) -> None:
    missing = sg_used(vocabularies) - sg_declared(ontology)
    assert not missing, f"used in vocabularies.ttl but not declared: {short(missing)}"


def test_inverses(ontology: Graph) -> None:
    sg = lambda name: URIRef(SG + name)  # noqa: E731
    for a, b in (("supersedes", "supersededBy"), ("hasEdition", "editionOf")):
        assert (sg(a), OWL.inverseOf, sg(b)) in ontology or (
            sg(b),
            OWL.inverseOf,
            sg(a),
        ) in ontology, f"sg:{a} and sg:{b} should be inverse"


# ---------------------------------------------------------------- HermiT


@needs_java
def test_hermit_finds_the_ontology_consistent() -> None:
    report = check_ontology()
    assert report.consistent, report.message
    assert report.unsatisfiable == [], report.message
    assert report.classes >= 28
    assert report.properties >= 87


@needs_java
def test_hermit_reports_an_unsatisfiable_class(tmp_path: Path, ontology: Graph) -> None:
    broken = URIRef("https://example.org/test#StandardEdition")
    graph = Graph()
    for triple in ontology:
        graph.add(triple)
    graph.add((broken, RDF.type, OWL.Class))
    graph.add((broken, RDFS.subClassOf, URIRef(SG + "Standard")))
    graph.add((broken, RDFS.subClassOf, URIRef(SG + "Edition")))
    path = tmp_path / "broken.ttl"
    graph.serialize(path, format="turtle", encoding="utf-8")

    report = check_ontology(path)
    assert report.consistent, report.message
    assert str(broken) in report.unsatisfiable, report.message
    assert str(broken) in report.message


@needs_java
def test_hermit_reports_an_inconsistent_ontology(tmp_path: Path, ontology: Graph) -> None:
    thing = URIRef("https://example.org/test#thing")
    graph = Graph()
    for triple in ontology:
        graph.add(triple)
    graph.add((thing, RDF.type, OWL.NamedIndividual))
    graph.add((thing, RDF.type, URIRef(SG + "Market")))
    graph.add((thing, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")))
    path = tmp_path / "inconsistent.ttl"
    graph.serialize(path, format="turtle", encoding="utf-8")

    report = check_ontology(path)
    assert not report.consistent
    assert "inconsistent" in report.message


def test_missing_java_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    import owlready2

    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.setattr(owlready2, "JAVA_EXE", "java")
    with pytest.raises(RuntimeError, match="default-jre-headless"):
        check_ontology()


# ---------------------------------------------------------------- the vocabularies

SCHEMES = {
    "adoption-degree": {"IDT", "MOD", "NEQ", "not-established"},
    "status": {"under-development", "published", "withdrawn"},
    "document-type": {
        "international-standard",
        "technical-specification",
        "technical-report",
        "guide",
        "publicly-available-specification",
        "international-workshop-agreement",
        "national-standard",
        "regional-standard",
        "amendment",
        "corrigendum",
    },
    "evidence-level": {"primary", "secondary"},
    "lifecycle": {"proposed", "approved", "rejected", "published", "withdrawn"},
    "scheme-type": {
        "type-i-ecolabel",
        "type-ii-self-declared-claim",
        "product-carbon-footprint-label",
        "green-product-certification",
        "management-system-certification",
        "ghg-verification",
        "green-electricity-certificate",
        "sustainable-fuel-certification",
        "product-safety-certification",
    },
    "arrangement-type": {
        "accreditation-mla",
        "accreditation-mra",
        "certification-scheme",
        "ecolabel-network",
        "ecolabel-mra",
        "government-mra",
    },
    "recognised": {
        "test-reports",
        "certificates",
        "accreditation",
        "inspection-reports",
        "ecolabel-criteria",
        "ecolabel-licences",
        "gmp-inspections",
    },
    "arrangement-status": {"in-force", "signed", "withdrawn", "suspended"},
    "participation-role": {
        "signatory",
        "regional-group",
        "national-certification-body",
        "member",
        "genices-verified",
    },
    "body-level": {"international", "regional", "national"},
    "provision-category": set(),
    "chapter-topic": {"environment", "other"},
    "desta-entry-type": {
        "base-treaty",
        "accession",
        "negotiation",
        "protocol-or-amendment",
        "withdrawal",
        "consolidated",
    },
    "membership-type": {"bilateral", "regional", "plurilateral-with-third-country", "interregional"},
}


def test_schemes_and_values_match_the_contract(vocabularies: Graph) -> None:
    schemes = {str(s) for s in vocabularies.subjects(RDF.type, SKOS.ConceptScheme)}
    assert schemes == {VOCAB + name for name in SCHEMES}
    for name, values in SCHEMES.items():
        scheme = URIRef(VOCAB + name)
        concepts = {str(c) for c in vocabularies.subjects(SKOS.inScheme, scheme)}
        assert concepts == {f"{VOCAB}{name}/{v}" for v in values}, name
        for value in values:
            concept = URIRef(f"{VOCAB}{name}/{value}")
            assert (concept, SKOS.notation, Literal(value)) in vocabularies, concept
    contract = CONTRACT.read_text(encoding="utf-8")
    for name in SCHEMES:
        if name != "provision-category":
            assert f"sgid:vocab/{name}/" in contract, f"scheme {name} is not in DEVELOPERS.md"


def test_every_concept_is_labelled_defined_and_in_one_scheme(vocabularies: Graph) -> None:
    problems: dict[str, list[str]] = defaultdict(list)
    for concept in vocabularies.subjects(RDF.type, SKOS.Concept):
        langs = [lbl.language for lbl in vocabularies.objects(concept, SKOS.prefLabel)]
        for lang in ("en", "zh"):
            if langs.count(lang) != 1:
                problems[str(concept)].append(f"{langs.count(lang)} skos:prefLabel @{lang}")
        schemes = list(vocabularies.objects(concept, SKOS.inScheme))
        if len(schemes) != 1:
            problems[str(concept)].append(f"in {len(schemes)} schemes")
        elif not str(concept).startswith(str(schemes[0]) + "/"):
            problems[str(concept)].append(f"IRI is not under its scheme {schemes[0]}")
        if len(list(vocabularies.objects(concept, SKOS.definition))) != 1:
            problems[str(concept)].append("not exactly one skos:definition")
    in_scheme = set(vocabularies.subjects(SKOS.inScheme, None))
    untyped = {c for c in in_scheme if (c, RDF.type, SKOS.Concept) not in vocabularies}
    for concept in untyped:
        problems[str(concept)].append("not typed skos:Concept")
    assert not problems, "concepts with problems:\n" + "\n".join(
        f"  {c}: {'; '.join(why)}" for c, why in sorted(problems.items())
    )


def test_schemes_are_labelled(vocabularies: Graph) -> None:
    for scheme in vocabularies.subjects(RDF.type, SKOS.ConceptScheme):
        langs = {lbl.language for lbl in vocabularies.objects(scheme, SKOS.prefLabel)}
        assert {"en", "zh"} <= langs, scheme
        assert not isinstance(scheme, BNode)


def test_provision_scheme_is_typed(vocabularies: Graph) -> None:
    scheme = URIRef(VOCAB + "provision-category")
    assert (scheme, RDF.type, URIRef(SG + "ProvisionScheme")) in vocabularies


def test_adoption_degrees_cite_guide_21(vocabularies: Graph) -> None:
    for value in ("IDT", "MOD", "NEQ"):
        source = vocabularies.value(URIRef(f"{VOCAB}adoption-degree/{value}"), DCTERMS.source)
        assert source is not None and "Guide 21-1:2005" in str(source), value
