"""Use cases shared by the command line and the dashboard pages (no click, no Dash)."""
