"""Session cookies: HttpOnly, SameSite=Strict, Secure whenever the request came over HTTPS."""

from __future__ import annotations

from fastapi import Request, Response

from resettle.adapters.web.config import SESSION_COOKIE
from resettle.adapters.web.guards import config_of


def is_secure(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "")
    return config_of(request).secure_cookies or request.url.scheme == "https" or \
        forwarded == "https"


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="strict", secure=is_secure(request),
        path="/", max_age=int(config_of(request).auth.session_lifetime.total_seconds()),
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
