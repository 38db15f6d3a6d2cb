"""One progress bar for every long step (ingest, postings extraction, forecast runs).

The work itself never draws: a model or reader takes a ``Progress`` callback and reports
``(done, total)``; the command that started it owns the bar. ``Bar`` is that callback: a rich
bar on the terminal (transient: gone when the step ends), or nothing at all when disabled.
"""
from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

Progress = Callable[[int, int | None], None]  # (done, total or None when unknown)


class Bar:
    """A rich progress bar driven as a callback (``bar(done, total)``) or step by step.

    Args:
        label: what is running ("forecasting", "ingest", "extracting skills from x.csv").
        enabled: False draws nothing (and imports nothing).
        total: steps when known; None shows a spinner and a running count instead of a bar.
        unit: what is counted ("buckets", "rows"), shown after the count.
    """

    def __init__(self, label: str, *, enabled: bool = True, total: int | None = None,
                 unit: str = "") -> None:
        self._bar: Any = None
        self._task: Any = None
        if not enabled:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        columns: list[Any] = [TextColumn("{task.description}")]
        if total is None:
            columns = [SpinnerColumn(), *columns, TextColumn("{task.completed:,} " + unit)]
        else:
            columns += [BarColumn(), MofNCompleteColumn(), TextColumn(unit)]
        self._bar = Progress(*columns, TimeElapsedColumn(), transient=True)
        self._task = self._bar.add_task(label, total=total)

    def __enter__(self) -> Bar:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def __call__(self, done: int, total: int | None = None) -> None:
        """The ``Progress`` callback: ``done`` steps of ``total`` (None keeps the total)."""
        if self._bar is not None:
            if total is None:
                self._bar.update(self._task, completed=done)
            else:
                self._bar.update(self._task, completed=done, total=total)

    def advance(self, steps: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, steps)

    def describe(self, text: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description=text)

    def stop(self) -> None:
        """Remove the bar (another live display may follow: rich cannot nest two)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
