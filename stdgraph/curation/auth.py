"""API tokens with roles, stored hashed (scrypt from the standard library) in a JSON file beside the store.

A token is `sgt_{id}_{secret}`: the id finds the entry, the secret is checked against its scrypt hash in
constant time. Only `stdgraph token create` and `stdgraph token revoke` write the file (mode 0600); the
server reads it again whenever it changed on disk, so a token created while it runs works at once and a
revoked one is refused at its next request. The file is kept out of the graph so that the public SPARQL
endpoint can never show a hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROLES = ("reader", "curator", "reviewer", "admin")
RANK = {role: i for i, role in enumerate(ROLES)}
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class AuthError(Exception):
    """401: no token, or one that is not known."""


class ForbiddenError(Exception):
    """403: a known token whose role may not do this."""


@dataclass(frozen=True)
class Principal:
    """Who is acting: the token's holder (a name, ideally an ORCID) and role."""

    name: str
    role: str
    token_id: str

    def can(self, role: str) -> bool:
        return RANK[self.role] >= RANK[role]

    def require(self, role: str, doing: str) -> None:
        if not self.can(role):
            raise ForbiddenError(
                f"{doing} needs a {role} token; this token ({self.name}) is a {self.role} token"
            )


def _hash(secret: str, salt: bytes) -> str:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, maxmem=64 * 1024 * 1024, **_SCRYPT).hex()


class TokenStore:
    """The token file: entries `{id: {name, role, salt, hash, created}}`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._verified: dict[str, Principal] = {}
        self._seen: tuple[int, int] | None = None

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_ino

    def _forget_if_changed(self) -> None:
        """Verified tokens are remembered only while the file is the one they were checked against."""
        stamp = self._stamp()
        if stamp != self._seen:
            self._verified.clear()
            self._seen = stamp

    def _read(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def create(self, name: str, role: str) -> str:
        """A new token (shown once; only its hash is kept)."""
        if role not in RANK:
            raise ValueError(f"role {role!r} is not one of: {', '.join(ROLES)}")
        if not name.strip():
            raise ValueError("give the token holder's name (an ORCID, e-mail or organisation)")
        token_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(24)
        salt = secrets.token_bytes(16)
        with self._lock:
            entries = self._read()
            entries[token_id] = {
                "name": name.strip(),
                "role": role,
                "salt": salt.hex(),
                "hash": _hash(secret, salt),
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            self._write(entries)
        return f"sgt_{token_id}_{secret}"

    def revoke(self, token_id: str) -> dict[str, str]:
        """Remove a token by its id (the part after `sgt_`); returns what it was. Its holder's past steps stay
        in the history under their name."""
        token_id = token_id.removeprefix("sgt_").split("_", 1)[0]
        with self._lock:
            entries = self._read()
            if token_id not in entries:
                known = ", ".join(sorted(entries)) or "none"
                raise KeyError(
                    f"no token with id {token_id!r} (known ids: {known}; see `stdgraph token list`)"
                )
            entry = entries.pop(token_id)
            self._write(entries)
            self._verified.clear()
        return {"id": token_id, "name": entry["name"], "role": entry["role"]}

    def _write(self, entries: dict[str, dict[str, str]]) -> None:
        """Replace the file atomically, readable by its owner only."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(entries, out, indent=1)
        os.replace(tmp, self.path)

    def verify(self, token: str | None) -> Principal:
        """The principal of a token, or AuthError saying what is wrong."""
        if not token:
            raise AuthError(
                "this needs a token: send 'Authorization: Bearer <token>' (stdgraph token create)"
            )
        key = hashlib.sha256(token.encode("utf-8")).hexdigest()
        self._forget_if_changed()
        if key in self._verified:
            return self._verified[key]
        parts = token.split("_", 2)
        if len(parts) != 3 or parts[0] != "sgt":
            raise AuthError("the token is malformed: stdgraph tokens look like sgt_<id>_<secret>")
        entry = self._read().get(parts[1])
        if entry is None or not hmac.compare_digest(
            _hash(parts[2], bytes.fromhex(entry["salt"])), entry["hash"]
        ):
            raise AuthError("the token is not valid (unknown or revoked)")
        principal = Principal(entry["name"], entry["role"], parts[1])
        self._verified[key] = principal
        return principal

    def list(self) -> list[dict[str, str]]:
        return [
            {"id": k, "name": v["name"], "role": v["role"], "created": v["created"]}
            for k, v in self._read().items()
        ]
