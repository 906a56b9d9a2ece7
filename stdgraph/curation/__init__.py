"""Curation: standards bodies propose, review, publish and withdraw mappings and adoptions.

- `model`: records (a mapping or an adoption) as RDF, their ids, the graphs they live in.
- `rows`: one input row (SSSOM, CSV, JSON or Turtle) to a record, with errors naming the line and field.
- `sssom`: SSSOM TSV read and write, with the metadata block.
- `workflow`: the `Curator`, which validates a change set with its one-hop context and commits it in one
  Oxigraph update under a lock; lifecycle and PROV-O history.
- `auth`: API tokens with roles, stored hashed.
- `releases`: versioned, dated dumps and changelogs.
"""
