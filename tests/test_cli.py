"""The CLI as a whole: every command documents itself; help is fast and imports nothing heavy."""

from __future__ import annotations

import subprocess
import sys

import typer.main

from aikg.cli import app


def walk(command, path: tuple[str, ...] = ()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, path + (name,))


def test_every_command_and_option_has_help_text():
    root = typer.main.get_command(app)
    commands = list(walk(root))
    assert len(commands) >= 4
    for path, command in commands:
        assert (command.help or "").strip(), f"aikg {' '.join(path)} has no help text"
        for param in command.params:
            if getattr(param, "param_type_name", "") == "option" and param.name != "help":
                assert (param.help or "").strip(), f"aikg {' '.join(path)} {param.opts[0]} has no help text"


def test_help_does_not_import_spacy_or_rdflib():
    code = "import sys; from aikg.cli import app; print(sorted(m for m in ('spacy','rdflib','pyshacl','networkx') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_unknown_command_is_a_usage_error_without_traceback():
    result = subprocess.run([sys.executable, "-m", "aikg", "frobnicate"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "No such command" in result.stderr
