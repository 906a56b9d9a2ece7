"""Documentation that cannot drift: every CLI command is in the README, and the quick start exists."""

from __future__ import annotations

from stdgraph import config
from stdgraph.cli import app

README = (config.REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme() -> None:
    names = [c.name or c.callback.__name__ for c in app.registered_commands]  # type: ignore[union-attr]
    missing = [n for n in names if f"`stdgraph {n}" not in README]
    assert not missing, f"document these commands in README.md: {missing}"


def test_the_quick_start_is_two_make_targets_that_exist() -> None:
    makefile = (config.REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "make run" in README and "make test" in README
    assert "\nrun:" in makefile and "\ntest:" in makefile
    assert "make test" in (config.REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
