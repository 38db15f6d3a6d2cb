"""Every SQL statement of skillpulse, one named file each (see data/sqlfiles.py)."""
