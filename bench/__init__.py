"""Benchmarks for stdgraph: a seeded generator of realistic graphs and a side-by-side query harness.

`python -m bench.generate` writes a graph in stdgraph's own ontology and IRIs; `python -m bench.run` measures
the named queries on it through stdgraph's store and its peers (raw pyoxigraph, `oxigraph serve`, rdflib).
"""
