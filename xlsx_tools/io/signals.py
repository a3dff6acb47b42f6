"""Ctrl-C and SIGTERM: stop cleanly, and never claim "not changed" after a save succeeded.

    signals.install()                    # first thing in the entry point, before pandas loads
    ...
    with signals.critical_section():     # around the atomic rename
        os.replace(tmp, dest)
        signals.mark_saved(exit_code)    # what the run would have exited with

Both signals raise `Interrupted` (a KeyboardInterrupt), so every
`except BaseException` / `finally` on the way out runs: the atomic save removes
its temp file.  Inside a critical section a signal is held back until the
section ends, so a rename is never cut in two and a signal that lands just
after it is known to be "after the save".  Stdlib only: importing this module
must stay cheap.
"""
from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

__all__ = ["Interrupted", "install", "stand_down", "critical_section", "mark_saved", "saved_status", "exit_code",
           "message", "EXIT_INTERRUPTED", "EXIT_TERMINATED"]

EXIT_INTERRUPTED = 128 + signal.SIGINT    # 130
EXIT_TERMINATED = 128 + signal.SIGTERM    # 143

_state = {"saved": None, "held": 0, "pending": None}


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; `saved_status` is the run's real exit code if its save had happened."""

    def __init__(self, signum: int, saved_status: int | None) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.saved_status = saved_status


def _handle(signum: int, _frame) -> None:
    if _state["held"]:
        _state["pending"] = signum
        return
    raise Interrupted(signum, _state["saved"])


def install() -> None:
    """Route SIGINT and SIGTERM to `Interrupted`; call before any heavy import (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, _handle)
    signal.signal(signal.SIGTERM, _handle)
    _state.update(saved=None, held=0, pending=None)


def stand_down() -> None:
    """The run is over and its status decided: a late signal must not turn it into 130/143."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


@contextlib.contextmanager
def critical_section() -> Iterator[None]:
    """Hold back SIGINT/SIGTERM while the block runs; deliver a held one when it ends."""
    _state["held"] += 1
    try:
        yield
    finally:
        _state["held"] -= 1
        pending = _state["pending"]
        if not _state["held"] and pending is not None:
            _state["pending"] = None
            raise Interrupted(pending, _state["saved"])


def mark_saved(status: int) -> None:
    """The atomic rename has happened: an interrupt from now on exits with `status`, not 130/143."""
    _state["saved"] = status


def saved_status() -> int | None:
    return _state["saved"]


def _saved_of(interrupt: BaseException) -> int | None:
    saved = getattr(interrupt, "saved_status", None)
    return saved if saved is not None else _state["saved"]


def _terminated(interrupt: BaseException) -> bool:
    return getattr(interrupt, "signum", None) == signal.SIGTERM


def exit_code(interrupt: BaseException) -> int:
    """Exit code for an interrupt: the real status after a save, else 130 (SIGINT) / 143 (SIGTERM)."""
    saved = _saved_of(interrupt)
    if saved is not None:
        return saved
    return EXIT_TERMINATED if _terminated(interrupt) else EXIT_INTERRUPTED


def message(interrupt: BaseException) -> str:
    """What to tell the clerk (zh / en): whether the workbook was saved before the interrupt."""
    zh, en = ("已终止", "terminated") if _terminated(interrupt) else ("已中断", "interrupted")
    if _saved_of(interrupt) is None:
        return f"{zh}，工作簿未被修改 / {en}; the workbook was not changed"
    return f"{zh}，但工作簿此前已保存完毕 / {en} after the workbook had been saved"
