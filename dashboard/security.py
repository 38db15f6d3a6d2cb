"""HTTP hardening for the dashboard's Flask server: security headers on every response, a body
limit that matches the advertised upload limit, callback bodies checked before Dash sees them,
no development endpoints, and a generic error page (no exception text ever reaches the browser).

Malformed callback bodies (not JSON, ``[1,2,3]``, ``null``, missing keys, an unknown output,
inputs that are not the callback's, nesting deeper than ``MAX_DEPTH``) are answered ``400`` with
one log line each, never a 500 with a traceback.
"""
from __future__ import annotations

import json
import logging
import math
from typing import Any

import dash
from flask import Response, g, jsonify, request

log = logging.getLogger("skillpulse.security")
CALLBACK_PATH = "/_dash-update-component"
# Dash development endpoints: /_reload-hash lists the installed packages (hot reload only).
BLOCKED_PATHS = ("/_reload-hash",)
MAX_DEPTH = 32  # our callbacks' bodies nest 6 levels at most (a grid's rows in a store)
BODY_MARGIN = 256 * 1024  # JSON envelope, file name and the other inputs around an upload


def body_limit(max_upload_bytes: int) -> int:
    """Request body limit that admits an upload of ``max_upload_bytes``: a browser upload travels
    base64-encoded (4 bytes per 3) inside a JSON callback body."""
    return 4 * math.ceil(max_upload_bytes / 3) + BODY_MARGIN


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def _ids_match(got: Any, declared: list[dict[str, Any]]) -> bool:
    return (isinstance(got, list) and len(got) == len(declared)
            and all(isinstance(g, dict) and g.get("id") == d["id"] and g.get("property") == d["property"]
                    for g, d in zip(got, declared, strict=True)))


def callback_problem(body: Any, callbacks: dict[str, Any]) -> str | None:
    """Why a parsed callback body cannot be a request of this app's callbacks (``None``: fine)."""
    if not isinstance(body, dict):
        kind = {list: "an array", type(None): "null", str: "a string"}.get(type(body), "a number")
        return f"the body is {kind}, not a JSON object"
    output = body.get("output")
    spec = callbacks.get(output) if isinstance(output, str) else None
    if not isinstance(spec, dict) or "callback" not in spec:  # clientside ones run in the browser
        return "no such server callback"
    if not _ids_match(body.get("inputs"), spec.get("inputs", [])):
        return "the inputs are not the callback's"
    if not _ids_match(body.get("state", []), spec.get("state", [])):
        return "the state is not the callback's"
    outputs = body.get("outputs")
    items = outputs if isinstance(outputs, list) else [outputs]
    if not items or not all(isinstance(o, dict) and isinstance(o.get("property"), str) for o in items):
        return "'outputs' is missing or malformed"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "'changedPropIds' is malformed"
    if _depth(body) > MAX_DEPTH:
        return f"the body nests deeper than {MAX_DEPTH} levels"
    return None


def _bad_request(problem: str) -> tuple[Response, int]:
    log.warning("400 %s %s from %s: %s", request.method, request.path, request.remote_addr, problem)
    return jsonify({"error": f"bad request: {problem}"}), 400


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
    """Add headers via ``after_request``, cap request bodies so that an upload of
    ``max_upload_bytes`` (the advertised limit) fits, check callback bodies, block dev endpoints."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = body_limit(max_upload_bytes)
    server.config["PROPAGATE_EXCEPTIONS"] = False
    cached: dict[str, Any] = {"n": -1, "csp": ""}

    @server.before_request
    def _guard() -> Any:
        if request.path in BLOCKED_PATHS:
            return "Not found", 404
        if request.path != CALLBACK_PATH or request.method != "POST":
            return None
        raw = request.get_data(cache=True)  # over MAX_CONTENT_LENGTH: 413 (handler below)
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            return _bad_request("the body is not JSON (or nests too deeply)")
        problem = callback_problem(body, app.callback_map)
        if problem:
            return _bad_request(problem)
        g.callback_body = body  # checked: the response cache keys on it (``dashboard.responses``)
        return None

    @server.errorhandler(413)
    def _too_large(_exc: Exception) -> tuple[Response, int]:
        limit = max_upload_bytes // 1024
        log.warning("413 %s %s from %s: body over %s bytes", request.method, request.path,
                    request.remote_addr, server.config["MAX_CONTENT_LENGTH"])
        return jsonify({"error": f"the request is too large: uploads are limited to {limit:,} KB"}), 413

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
