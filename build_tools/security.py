"""The site's security policy, written once: the page's Content-Security-Policy and the `_headers` file.

Every page carries the CSP as a <meta> tag (overrides/main.html asks for `config.extra.tcg_csp`, set by
build_tools/hooks.py from here). Hosts that read a `_headers` file (Netlify, Cloudflare Pages) get the same
policy as a real header, plus what a meta tag cannot carry: `frame-ancestors 'none'`,
`X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and a `Permissions-Policy` that denies
everything the site never uses. The only host outside the site is the pinned Pyodide directory on the
CDN, and only when `extra.pyodide.source` is `cdn`.

The service worker (sw.js at the site root, build_tools/service_worker.py) needs nothing more: registering it
is allowed by `worker-src 'self'` (same origin), and a service worker is bound not by the page's policy but by
the headers of its own script, which on hosts that read `_headers` are this policy too (its `connect-src`
already allows the CDN files the worker caches).
"""

from __future__ import annotations

#: browser features the site never uses (Permissions-Policy denies them all)
UNUSED_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)


def csp_directives(pyodide_cdn: str = "") -> list[tuple[str, str]]:
    """(directive, value) of the policy; `pyodide_cdn` is the pinned Pyodide base URL, or "" for a local copy."""
    cdn = f" {pyodide_cdn}" if pyodide_cdn else ""
    return [
        ("default-src", "'self'"),
        ("script-src", f"'self' 'wasm-unsafe-eval'{cdn}"),
        ("worker-src", "'self'"),
        ("connect-src", f"'self'{cdn}"),
        ("img-src", "'self' data:"),
        ("style-src", "'self' 'unsafe-inline'"),
        ("font-src", "'self' data:"),
        ("object-src", "'none'"),
        ("base-uri", "'self'"),
        ("form-action", "'self'"),
    ]


def meta_csp(pyodide_cdn: str = "") -> str:
    """The policy for the page's <meta http-equiv> tag (frame-ancestors has no effect there, so it is left out)."""
    return "; ".join(f"{name} {value}" for name, value in csp_directives(pyodide_cdn))


def header_csp(pyodide_cdn: str = "") -> str:
    """The same policy as an HTTP header, with frame-ancestors 'none' (a header can carry it)."""
    return meta_csp(pyodide_cdn) + "; frame-ancestors 'none'"


def headers_file(pyodide_cdn: str = "") -> str:
    """The `_headers` file (Netlify / Cloudflare Pages format) for every path of the site."""
    permissions = ", ".join(f"{feature}=()" for feature in UNUSED_FEATURES)
    lines = [
        "/*",
        f"  Content-Security-Policy: {header_csp(pyodide_cdn)}",
        "  X-Content-Type-Options: nosniff",
        "  Referrer-Policy: no-referrer",
        f"  Permissions-Policy: {permissions}",
        "  X-Frame-Options: DENY",
    ]
    return "\n".join(lines) + "\n"
