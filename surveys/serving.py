"""Serving helpers: log lines that name no person and carry no secret."""

from gunicorn.glogging import Logger

from .privacy import hide_secrets


class PrivateAccessLogger(Logger):
    """gunicorn's logger, with the path's tokens hidden and no address or device atoms."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = hide_secrets(atoms.get("U", ""))
        for name in ("h", "a", "f", "r", "q", "{x-forwarded-for}i", "{x-real-ip}i"):
            atoms[name] = "-"
        return atoms
