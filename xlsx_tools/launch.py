"""Entry point that arms the SIGINT/SIGTERM handlers before anything heavy is imported.

Importing the command line loads pandas, pyarrow and lxml (about a second); a
Ctrl-C in that second must give the same plain message as one later on.
"""
from __future__ import annotations

import sys
from typing import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from .io import signals
    signals.install()
    try:
        from . import cli
    except KeyboardInterrupt as interrupt:
        sys.stderr.write(f"xlsx-tools: {signals.message(interrupt)}\n")
        return signals.exit_code(interrupt)
    return cli.main(argv)
