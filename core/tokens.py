"""Personal link tokens that are never stored.

A token is derived as HMAC(SECRET_KEY, purpose + random salt); the database keeps the salt (to
rebuild the same link for a reminder) and the SHA-256 hash of the token (for lookup). Whoever
reads the database alone cannot build a link.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings


def new_salt() -> str:
    return secrets.token_hex(16)


def derive_token(purpose: str, salt: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{purpose}:{salt}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
