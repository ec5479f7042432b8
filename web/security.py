"""CSRF on every form, security headers on every response, and a login rate limit."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from threading import Lock

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    app.extensions["login_limiter"] = LoginLimiter(app.config["LOGIN_ATTEMPTS"], app.config["LOGIN_WINDOW_S"])

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        return response


class LoginLimiter:
    """At most ``attempts`` failed logins per client address and per username in ``window_s`` seconds."""

    def __init__(self, attempts: int, window_s: float):
        self.attempts, self.window_s = attempts, window_s
        self._failures: dict[str, deque] = defaultdict(deque)
        self._lock = Lock()

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                failures = self._failures[key]
                while failures and now - failures[0] > self.window_s:
                    failures.popleft()
                if len(failures) >= self.attempts:
                    return True
        return False

    def failed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures[key].append(time.monotonic())

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
