"""Command-line interface: thin typer wrappers over the library's functions.

Every module in this package registers its commands on ``aikg.cli.app.app``;
they are discovered here so that adding a command never edits a shared list.
Command modules import heavy libraries (spaCy, rdflib) inside the command
function, so ``aikg --help`` stays fast.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

from aikg.cli.app import app, state

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module != "app":
        importlib.import_module(f"{__name__}.{_module}")


def one_line(message: object) -> str:
    """``message`` as one printable line: line breaks, other control characters (a file
    name may hold ANSI escapes) and undecodable bytes of file names become escapes."""
    import unicodedata

    def escape(ch: str) -> str:
        if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            code = ord(ch)
            if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8
                return f"\\x{code - 0xDC00:02x}"
            return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
        return ch

    return "".join(escape(ch) for ch in str(message))


def main() -> None:
    """Console entry point: user errors become one line on stderr and exit code 2."""
    from aikg.errors import AikgError

    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except AikgError as err:
        if state["debug"]:
            raise
        print(f"aikg: error: {one_line(err)}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("aikg: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as err:  # noqa: BLE001 - last line of defence: no traceback for users
        import typer

        if isinstance(err, typer.Exit):
            sys.exit(getattr(err, "exit_code", 0))
        if isinstance(err, typer.Abort):
            print("aikg: aborted", file=sys.stderr)
            sys.exit(1)
        if isinstance(err, typer.TyperException):  # usage errors: typer shows them itself
            err.show()
            sys.exit(getattr(err, "exit_code", 2))
        if state["debug"]:
            raise
        print(f"aikg: internal error: {type(err).__name__}: {one_line(err)} (run with --debug for details)", file=sys.stderr)
        sys.exit(1)
