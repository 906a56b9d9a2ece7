"""A source made in a worker process: its triples written as an N-Triples file for the build to load.

Making the quads of the ISO and IEC catalogues is Python work (~12 and ~7 CPU-s), one core each; in
worker processes they are made side by side while the build's own process streams the small sources,
and Oxigraph's bulk loader, which releases the GIL, reads the files back (bench/RESULTS.md). Only the
registered sources go to a worker, looked up there by name, so nothing but names and paths crosses
the process boundary.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from stdgraph.sources import SourceInput, registry, stream_source
from stdgraph.store import ox_triples

try:
    import resource
except ImportError:  # not on Windows: the peak memory is then not reported
    resource = None  # type: ignore[assignment]


@dataclass
class MadeFile:
    """What the build needs back from a worker besides the file: the provenance record's inputs and the
    worker's own cost, which the build reports (the workers' memory comes on top of the build's)."""

    rows_read: int
    checksums: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_rss_mb: float = 0.0

    def source_input(self, src_input: SourceInput) -> SourceInput:
        """`src_input` (of the build's process) filled in as the worker's reading left it."""
        src_input.rows_read = self.rows_read
        src_input.checksums.update(self.checksums)
        src_input.notes.extend(self.notes)
        return src_input


def make_file(name: str, directory: str, path: str) -> MadeFile:
    """In the worker: the registered source `name`, read from `directory`, as N-Triples at `path`."""
    started, cpu = time.perf_counter(), time.process_time()
    src_input, triples = stream_source(registry()[name], Path(directory))
    ox.serialize(ox_triples(triples), path, ox.RdfFormat.N_TRIPLES)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if resource else 0.0
    return MadeFile(
        src_input.rows_read,
        dict(src_input.checksums),
        list(src_input.notes),
        time.perf_counter() - started,
        time.process_time() - cpu,
        peak,
    )
