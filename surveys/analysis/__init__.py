"""Text analysis: pure Python and scikit-learn, nothing from Flask or the models.

``find_themes(documents, **params)`` and ``ThemeFinder`` are the entry
points; ``python -m surveys.analysis IN.jsonl --out OUT.jsonl`` runs them
on a file. They are imported on first use, so that the web app can use the
light modules (``redact``, ``language``, ``segment``) without loading
scikit-learn.
"""

import importlib

_EXPORTS = {
    "ThemeFinder": "finder",
    "find_themes": "finder",
    "Codebook": "codebook",
    "NON_ANSWER": "result",
    "Document": "result",
    "Quote": "result",
    "Theme": "result",
    "ThemeResult": "result",
    "ApertiumTranslator": "translate",
    "CachedTranslator": "translate",
    "NullTranslator": "translate",
    "Translator": "translate",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
