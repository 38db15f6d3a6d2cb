"""The one progress bar: a callback the work reports to; silent when disabled."""
from __future__ import annotations

from skillpulse.data.progress import Bar


def test_disabled_bar_is_a_silent_callback() -> None:
    with Bar("x", enabled=False, total=3) as bar:
        bar(1, 3)
        bar.advance()
        bar.describe("y")


def test_enabled_bar_follows_the_callback_and_disappears() -> None:
    with Bar("forecasting", total=0, unit="buckets") as bar:
        bar(2, 5)
        task = bar._bar.tasks[0]
        assert (task.completed, task.total) == (2, 5)
        bar.advance(3)
        assert bar._bar.tasks[0].finished
    assert bar._bar is None  # stopped on exit (transient: nothing left on the terminal)
