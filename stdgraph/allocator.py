"""Serve on jemalloc when the machine has it.

Oxigraph allocates heavily while it evaluates a query (hash joins, sorts, string buffers), and glibc's
malloc is slow at it: on the generated 1M graph, pyoxigraph in one process ran the `/sparql` workload
of `bench.serve` in 0.81 of the time with jemalloc preloaded (heavy queries 0.77-0.90, light ones
0.55-0.76; `bench.allocator`, bench/RESULTS.md "Memory allocator"). A process
picks its allocator when it starts, so `stdgraph serve` starts itself again, once, with `LD_PRELOAD`
naming Debian's `libjemalloc.so.2` (package libjemalloc2, which `make install` installs). Without the
library it serves on the system allocator and says so. `STDGRAPH_ALLOCATOR=system` keeps glibc's.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from collections.abc import Mapping
from pathlib import Path

ENV = "STDGRAPH_ALLOCATOR"
CHOICES = ("jemalloc", "system")
LIBRARY = "libjemalloc.so.2"
_TRIED = "STDGRAPH_ALLOCATOR_TRIED"  # set on the restart, so that a failed preload never loops


class AllocatorError(ValueError):
    """STDGRAPH_ALLOCATOR names no allocator this module knows."""


def wanted(environ: Mapping[str, str] = os.environ) -> str:
    choice = environ.get(ENV, "jemalloc").strip().lower() or "jemalloc"
    if choice not in CHOICES:
        raise AllocatorError(f"{ENV}={environ[ENV]!r} is not one of: {', '.join(CHOICES)}")
    return choice


def library_dirs() -> list[Path]:
    """Where Debian and most distributions put shared libraries."""
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    dirs = [Path("/usr/lib") / multiarch, Path("/lib") / multiarch] if multiarch else []
    return [*dirs, Path("/usr/lib"), Path("/usr/local/lib"), Path("/usr/lib64")]


def find_jemalloc(dirs: list[Path] | None = None) -> Path | None:
    for folder in library_dirs() if dirs is None else dirs:
        candidate = folder / LIBRARY
        if candidate.is_file():
            return candidate
    return None


def in_use(maps: Path = Path("/proc/self/maps")) -> str:
    """The allocator this process runs on, read from the libraries mapped into it."""
    try:
        text = maps.read_text()
    except OSError:
        return "system"
    return "jemalloc" if "libjemalloc" in text else "system"


def preload_environ(environ: Mapping[str, str], library: Path) -> dict[str, str]:
    """`environ` with `library` first in LD_PRELOAD (kept once) and the restart marked."""
    others = [p for p in environ.get("LD_PRELOAD", "").replace(":", " ").split() if Path(p).name != LIBRARY]
    return {**environ, "LD_PRELOAD": " ".join([str(library), *others]), _TRIED: "1"}


def environ_for(choice: str, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """`environ` for a child process that is to run on `choice`: with no preload and none of this
    module's variables (the system's allocator), or with jemalloc alone preloaded."""
    env = {k: v for k, v in environ.items() if k != "LD_PRELOAD" and not k.startswith(ENV)}
    if choice == "jemalloc":
        library = find_jemalloc()
        if library is None:
            raise AllocatorError(f"{LIBRARY} not found: `apt-get install libjemalloc2`")
        env["LD_PRELOAD"] = str(library)
    return env


def restart_on_jemalloc(environ: Mapping[str, str] = os.environ) -> None:
    """Replace this process by itself on jemalloc, when wanted, found and not already done.

    Only for a process started as a program (the `stdgraph` command or `python -m stdgraph.cli`):
    it reruns `sys.orig_argv` with the same interpreter and keeps the pid.
    """
    if wanted(environ) != "jemalloc" or in_use() == "jemalloc" or environ.get(_TRIED):
        return
    library = find_jemalloc()
    if library is None:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], preload_environ(environ, library))


def describe() -> str:
    """One line for the server's start-up output."""
    if in_use() == "jemalloc":
        return "memory allocator: jemalloc"
    if wanted() == "system":
        return f"memory allocator: the system's ({ENV}=system)"
    if find_jemalloc() is None:
        return (
            f"memory allocator: the system's ({LIBRARY} not found; `apt-get install libjemalloc2` is faster)"
        )
    return f"memory allocator: the system's ({LIBRARY} was preloaded but did not take)"
