"""Shared fixtures: paths to the real data (skip cleanly when absent), fresh database paths."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REAL = REPO.parent / "shared" / "data" / "real"


def real_file(*parts: str) -> Path:
    """A file under ../shared/data/real, or skip the test when it is not there."""
    path = REAL.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path}")
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a new skillpulse database (not yet created)."""
    return tmp_path / "test.duckdb"
