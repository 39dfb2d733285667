"""Configuration of the web app, from arguments or the environment.

``TOUCHPOINTS_DATABASE_URL`` (default: SQLite in the data folder),
``TOUCHPOINTS_DATA`` (default: ``./touchpoints-data``) and ``TOUCHPOINTS_SECRET_KEY``
(default: a random key kept in the data folder, so sessions survive a restart).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings"]


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the data lives and how cookies are signed."""

    database_url: str
    secret_key: str
    data_dir: Path
    https_only: bool = False  # Secure cookies; turn on behind HTTPS

    @classmethod
    def from_env(
        cls, data_dir: str | Path | None = None, database_url: str | None = None
    ) -> Settings:
        """Settings from the arguments, else the environment, else the defaults."""
        folder = Path(data_dir or os.environ.get("TOUCHPOINTS_DATA", "touchpoints-data"))
        folder.mkdir(parents=True, exist_ok=True)
        url = database_url or os.environ.get("TOUCHPOINTS_DATABASE_URL")
        url = url or f"sqlite:///{(folder / 'touchpoints.db').resolve()}"
        key = os.environ.get("TOUCHPOINTS_SECRET_KEY") or _stored_key(folder / "secret.key")
        https = os.environ.get("TOUCHPOINTS_HTTPS_ONLY", "") == "1"
        return cls(url, key, folder, https)


def _stored_key(path: Path) -> str:
    """A random signing key, created once and kept (readable by the owner only)."""
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
