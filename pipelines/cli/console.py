"""What every `ghg` command shares: exit codes, messages to the operator's terminal."""

from __future__ import annotations

import os
import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def stderr(message: str) -> None:
    print(message, file=sys.stderr)


def safe(text: object, keep_newlines: bool = False) -> str:
    """Data shown on the operator's terminal: control characters (escape sequences that clear or
    retitle a terminal) written visibly, one value on one line (pipelines/safe_text.py)."""
    from pipelines.safe_text import terminal_safe

    if keep_newlines:
        return "\n".join(terminal_safe(line) for line in str(text).split("\n"))
    return terminal_safe(str(text))


def interactive() -> bool:
    return sys.stdout.isatty() and not os.environ.get("GHG_NO_PROGRESS")
