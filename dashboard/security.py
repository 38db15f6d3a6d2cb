"""HTTP hardening for the dashboard's Flask server: security headers on every response, upload
size limit, and a generic error page (no exception text ever reaches the browser)."""
from __future__ import annotations

from typing import Any

import dash
from flask import Response


def content_security_policy(script_hashes: list[str]) -> str:
    """A CSP that Dash, plotly.js and ag-grid work under: scripts only from this server (plus the
    hashed inline scripts Dash writes), inline styles (plotly/ag-grid inject them), no framing."""
    scripts = " ".join(["'self'", *script_hashes])  # Dash returns them quoted
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def install(app: dash.Dash, *, max_upload_bytes: int) -> None:
    """Add headers via ``after_request`` and cap request bodies at ``max_upload_bytes``."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = int(max_upload_bytes)
    server.config["PROPAGATE_EXCEPTIONS"] = False
    cached: dict[str, Any] = {"n": -1, "csp": ""}

    @server.after_request
    def _headers(response: Response) -> Response:
        # Dash adds inline scripts when it registers clientside callbacks at the first request.
        n = len(app._inline_scripts)
        if n != cached["n"]:
            cached["csp"] = content_security_policy(list(app.csp_hashes()))
            cached["n"] = n
        h = response.headers
        h["Content-Security-Policy"] = cached["csp"]
        h["X-Content-Type-Options"] = "nosniff"
        h["X-Frame-Options"] = "DENY"
        h["Referrer-Policy"] = "no-referrer"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        return response

    @server.errorhandler(500)
    def _error(_exc: Exception) -> tuple[str, int]:
        return "Something went wrong on the server; the error was logged.", 500
