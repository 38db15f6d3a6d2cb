"""``python -m skillpulse``: the same command line as the ``skillpulse`` script."""
from __future__ import annotations

from skillpulse.dashboard.cli import main

if __name__ == "__main__":
    main()
