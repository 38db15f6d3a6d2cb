"""Dash pages: one module per route; Dash imports them (``use_pages``), tests use sys.modules."""
