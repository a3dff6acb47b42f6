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
    status = None
    try:
        from . import cli
        status = cli.main(argv)
    except KeyboardInterrupt as interrupt:
        if status is not None:  # the signal landed after the run had finished
            return status
        sys.stderr.write(f"xlsx-tools: {signals.message(interrupt)}\n")
        return signals.exit_code(interrupt)
    finally:
        signals.stand_down()
    return status
