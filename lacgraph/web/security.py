"""Response headers every page gets, and the Content-Security-Policies.

The app's own pages run no inline script at all: ``script-src 'self'`` (no script is shipped
today) and ``style-src 'self'`` (one local stylesheet). The interactive pyvis circle (the
circle issue's ``circle_html``) is a complete HTML document with inline JavaScript; it is
served on its own route with its own policy (:data:`EMBED_CSP`): the CSP ``sandbox``
directive gives it an opaque origin (no cookies, no same-origin requests, even if opened
directly), ``connect-src 'none'`` stops it sending anything anywhere, and it may only be
framed by this app (``frame-ancestors 'self'``); the page that shows it frames it in an
``<iframe sandbox="allow-scripts">``. So even a name that broke out of pyvis's data could
run script only in an empty, cookieless box. SVG pictures get :data:`SVG_CSP` (inline
styles, which matplotlib writes, but no script at all, and sandboxed when opened directly).
"""

from __future__ import annotations

from flask import Response, request

PAGE_CSP = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
            "img-src 'self' data:; "
            "frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
"""The policy of every page except the embedded circle."""

EMBED_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
             "img-src data:; font-src data:; connect-src 'none'; form-action 'none'; "
             "base-uri 'none'; frame-ancestors 'self'; sandbox allow-scripts")
"""The policy of the embedded interactive circle (see the module docstring)."""

SVG_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
           "frame-ancestors 'none'; sandbox")
"""The policy of SVG pictures (matplotlib styles them inline; no script may run in them)."""

EMBED_HEADER = "X-Lacgraph-Embed"
"""A view serving the embeddable circle sets this header; it is removed before sending."""


def add_headers(response: Response, *, https: bool) -> Response:
    """Put the security headers on ``response`` (called after every request)."""
    embed = response.headers.pop(EMBED_HEADER, None) is not None
    headers = response.headers
    if embed:
        headers["Content-Security-Policy"] = EMBED_CSP
    elif response.mimetype == "image/svg+xml":
        headers["Content-Security-Policy"] = SVG_CSP
    else:
        headers["Content-Security-Policy"] = PAGE_CSP
    headers["X-Frame-Options"] = "SAMEORIGIN" if embed else "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    # same-origin: this site's own form posts carry a Referer (the CSRF check wants it over
    # HTTPS); no other site ever learns a URL of this one.
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if request.path.startswith("/static/"):
        headers["Cache-Control"] = "public, max-age=3600"
    else:
        # Personal data may be on any page: never stored by the browser or a proxy.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response
