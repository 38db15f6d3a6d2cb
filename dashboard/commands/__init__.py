"""One module per CLI command group; each exposes click commands registered in dashboard/cli.py."""
