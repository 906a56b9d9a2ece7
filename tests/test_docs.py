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


# --- recognition (export branch) ---


def _section_commands(heading: str) -> list[list[str]]:
    """The `stdgraph ...` lines of the first sh block under a README heading, split as a shell would."""
    import shlex

    body = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    block = body.split("```sh\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line)[1:] for line in block.splitlines() if line.startswith("stdgraph ")]


def test_the_recognition_commands_in_the_readme_run(default_store, monkeypatch) -> None:
    import json

    from typer.testing import CliRunner

    from stdgraph import cli

    commands = _section_commands("Is my certificate accepted?")
    assert len(commands) >= 3
    monkeypatch.setattr(cli, "open_store", lambda path, must_exist=True: default_store)
    for args in commands:
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, f"stdgraph {' '.join(args)}: {result.output}"
        if "json" in args:
            assert json.loads(result.output)["requirements"]
        else:
            assert "accepted" in result.output or "label" in result.output
