"""Input files as bytes and text: one reader and one decoder for every input kind.

Ingest, catalogues, inventories and taxonomy imports all come through here, so the same file is
accepted or refused the same way everywhere, with the same sentence naming the file (and, for a
bad byte, the row and column).
"""
from __future__ import annotations

from pathlib import Path

from skillpulse.data.errors import InputError


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, else ``InputError`` naming it (missing, a folder, unreadable)."""
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", file=str(path)) from None
