"""`stdgraph serve` restarts itself on jemalloc when the machine has it (stdgraph/allocator.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stdgraph import allocator


def test_the_choice_defaults_to_jemalloc_and_refuses_unknown_names() -> None:
    assert allocator.wanted({}) == "jemalloc"
    assert allocator.wanted({"STDGRAPH_ALLOCATOR": " System "}) == "system"
    with pytest.raises(allocator.AllocatorError, match="'tcmalloc' is not one of: jemalloc, system"):
        allocator.wanted({"STDGRAPH_ALLOCATOR": "tcmalloc"})


def test_the_library_is_put_first_in_ld_preload_once(tmp_path: Path) -> None:
    library = tmp_path / "libjemalloc.so.2"
    environ = {"LD_PRELOAD": f"/opt/libfoo.so {tmp_path}/old/libjemalloc.so.2:/opt/libbar.so", "HOME": "/h"}
    new = allocator.preload_environ(environ, library)
    assert new["LD_PRELOAD"] == f"{library} /opt/libfoo.so /opt/libbar.so"
    assert new["HOME"] == "/h" and new["STDGRAPH_ALLOCATOR_TRIED"] == "1"
    assert allocator.preload_environ({}, library)["LD_PRELOAD"] == str(library)


def test_the_library_is_found_in_the_first_folder_that_has_it(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    assert allocator.find_jemalloc([first, second]) is None
    (second / "libjemalloc.so.2").write_bytes(b"")
    assert allocator.find_jemalloc([first, second]) == second / "libjemalloc.so.2"


def test_the_allocator_in_use_is_read_from_the_mapped_libraries(tmp_path: Path) -> None:
    maps = tmp_path / "maps"
    maps.write_text("7f00-7f01 r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n")
    assert allocator.in_use(maps) == "jemalloc"
    maps.write_text("7f00-7f01 r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/libc.so.6\n")
    assert allocator.in_use(maps) == "system"
    assert allocator.in_use(tmp_path / "absent") == "system"


def test_no_restart_when_turned_off_or_already_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(allocator.os, "execve", lambda *args: calls.append(args))
    monkeypatch.setattr(allocator, "in_use", lambda: "system")
    monkeypatch.setattr(allocator, "find_jemalloc", lambda: Path("/usr/lib/libjemalloc.so.2"))
    allocator.restart_on_jemalloc({"STDGRAPH_ALLOCATOR": "system"})
    allocator.restart_on_jemalloc({"STDGRAPH_ALLOCATOR_TRIED": "1"})
    assert calls == []
    allocator.restart_on_jemalloc({})
    ((executable, argv, environ),) = calls
    assert executable == sys.executable and argv[0] == sys.executable
    assert environ["LD_PRELOAD"] == "/usr/lib/libjemalloc.so.2"


def _restarted(environ: dict[str, str]) -> str:
    code = "from stdgraph import allocator; allocator.restart_on_jemalloc(); print(allocator.in_use())"
    done = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_program_restarts_itself_on_jemalloc_when_the_machine_has_it() -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LD_PRELOAD", "STDGRAPH_ALLOCATOR"))}
    expected = "jemalloc" if allocator.find_jemalloc() else "system"
    assert _restarted(base) == expected
    assert _restarted({**base, "STDGRAPH_ALLOCATOR": "system"}) == "system"
