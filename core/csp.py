"""The Content-Security-Policy every response carries.

Scripts run only from the site's own files (no inline ``<script>``, no ``onclick=``, no
``eval``): an answer or a name that slipped through escaping still cannot run. Styles allow
inline ``style`` attributes (charts and generated documents set widths and colours that way);
a style cannot run code. Images may be ``data:`` URIs (QR codes, charts). Nothing may frame the
site, and forms post only to it.
"""

from __future__ import annotations

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response
