"""Check the stdgraph ontology with the HermiT OWL reasoner (through owlready2).

HermiT checks the TBox only: that `ontology/stdgraph.ttl` is consistent and that no class is
unsatisfiable, so a wrong disjointness or subclass axiom is caught before it reaches the data. The
graph itself is never reasoned over: answers come from SPARQL over the stored triples, and data
quality from the SHACL shapes (`stdgraph.validation`).

owlready2 cannot read Turtle, so the file is parsed with rdflib and handed over as N-Triples.
HermiT runs on Java; without a `java` on the PATH the check raises a `RuntimeError`.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import owlready2
from rdflib import BNode, Graph
from rdflib.namespace import OWL, RDF

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
DEFAULT_ONTOLOGY = ONTOLOGY_DIR / "stdgraph.ttl"

_PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@dataclass
class OntologyReport:
    """What HermiT said about one ontology file."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    classes: int = 0
    properties: int = 0
    seconds: float = 0.0
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when the ontology is consistent and every named class is satisfiable."""
        return self.consistent and not self.unsatisfiable


def _java() -> str:
    java = shutil.which(owlready2.JAVA_EXE) or shutil.which("java")
    if java is None:
        raise RuntimeError(
            "the ontology check runs the HermiT reasoner, which needs Java, and no `java` was "
            "found on the PATH: install it with `apt-get install default-jre-headless`"
        )
    return java


def check_ontology(path: Path | None = None) -> OntologyReport:
    """Run HermiT on the ontology at `path` (default: the repository's `ontology/stdgraph.ttl`).

    Returns a report: `consistent` is False when HermiT finds the ontology inconsistent, and
    `unsatisfiable` lists the IRIs of named classes that can have no member.
    """
    path = Path(path) if path is not None else DEFAULT_ONTOLOGY
    if not path.is_file():
        raise FileNotFoundError(f"no ontology file at {path}")
    owlready2.JAVA_EXE = _java()

    graph = Graph()
    graph.parse(path, format="turtle")
    classes = {s for s in graph.subjects(RDF.type, OWL.Class) if not isinstance(s, BNode)}
    properties = {s for t in _PROPERTY_TYPES for s in graph.subjects(RDF.type, t)}

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="stdgraph-owl-") as tmp:
        nt = Path(tmp) / "ontology.nt"
        graph.serialize(destination=nt, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            world.get_ontology(nt.as_uri()).load()
            try:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
            except owlready2.OwlReadyInconsistentOntologyError:
                return OntologyReport(
                    consistent=False,
                    classes=len(classes),
                    properties=len(properties),
                    seconds=time.perf_counter() - started,
                    message=f"{path.name} is inconsistent: no model satisfies its axioms",
                )
            unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
        finally:
            world.close()
    seconds = time.perf_counter() - started

    if unsatisfiable:
        message = (
            f"{path.name} is consistent but {len(unsatisfiable)} class(es) can have no member: "
            + ", ".join(unsatisfiable)
        )
    else:
        message = (
            f"{path.name} is consistent and all {len(classes)} classes are satisfiable "
            f"(HermiT, {seconds:.1f} s)"
        )
    return OntologyReport(
        consistent=True,
        unsatisfiable=unsatisfiable,
        classes=len(classes),
        properties=len(properties),
        seconds=seconds,
        message=message,
    )
