"""Domain logic. Services flush; the request or CLI command commits."""
