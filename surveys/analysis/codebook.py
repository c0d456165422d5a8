"""A bilingual codebook: themes a coalition already knows, with keywords.

Answers that use a theme's keywords (in their own language, or in their
English translation) join that theme; the rest are left to form new themes.
A codebook is a YAML or JSON file::

    name: safe-return
    themes:
      - key: internet
        names: {en: Internet and devices, es: Internet y computadoras}
        keywords:
          en: [internet, wifi, hotspot, laptop]
          es: [internet, wifi, señal, computadora]

Keywords are matched on stemmed words, so "computers" matches "computer"
and "filtros de aire" matches "filtro de aire"; a phrase must appear whole.
An answer matching several themes joins the one with most matched keyword
words (the first in the file on a tie).
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .tokens import stems

LANGUAGES = ("en", "es")
BUNDLED = Path(__file__).parent / "codebooks"


class CodebookError(ValueError):
    """A codebook file or mapping that does not have the expected shape."""


@dataclass(frozen=True)
class CodebookTheme:
    key: str
    names: dict[str, str]
    keywords: dict[str, tuple[str, ...]]
    description: dict[str, str] = field(default_factory=dict)

    def to_dict(self):
        data = {
            "key": self.key,
            "names": dict(self.names),
            "keywords": {lang: list(words) for lang, words in self.keywords.items()},
        }
        if self.description:
            data["description"] = dict(self.description)
        return data


class Codebook:
    """Known themes with names and keywords in English and Spanish."""

    def __init__(self, themes, name=None, min_score=1):
        self.themes = list(themes)
        self.name = name
        self.min_score = min_score
        keys = [theme.key for theme in self.themes]
        if len(set(keys)) != len(keys):
            raise CodebookError("theme keys must be unique")
        self._index = {lang: self._phrases(lang) for lang in LANGUAGES}

    @classmethod
    def from_dict(cls, data):
        if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
            raise CodebookError("a codebook is a mapping with a list of 'themes'")
        themes = [_theme(item, number) for number, item in enumerate(data["themes"], 1)]
        return cls(themes, name=data.get("name"), min_score=data.get("min_score", 1))

    @classmethod
    def from_file(cls, path):
        """Read a codebook from YAML (``.yaml``/``.yml``) or JSON."""
        path = Path(path)
        with path.open(encoding="utf-8") as handle:
            try:
                data = json.load(handle) if path.suffix == ".json" else yaml.safe_load(handle)
            except (json.JSONDecodeError, yaml.YAMLError) as error:
                raise CodebookError(f"{path}: not valid {path.suffix[1:] or 'YAML'}") from error
        return cls.from_dict(data)

    @classmethod
    def bundled(cls, name):
        """A codebook shipped with Voces, by name ("safe-return")."""
        path = BUNDLED / f"{name}.yaml"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in BUNDLED.glob("*.yaml")))
            raise CodebookError(f"no bundled codebook {name!r} (bundled: {known})")
        return cls.from_file(path)

    def to_dict(self):
        data = {"themes": [theme.to_dict() for theme in self.themes]}
        if self.name:
            data = {"name": self.name, **data}
        if self.min_score != 1:
            data["min_score"] = self.min_score
        return data

    def theme(self, key):
        return next((t for t in self.themes if t.key == key), None)

    def match(self, text, lang="en", gloss=None):
        """The key of the theme ``text`` speaks of, or None.

        ``gloss`` is an English translation of a Spanish ``text``; its words
        are matched against the English keywords as well.
        """
        scores = self._scores(text, lang)
        if gloss and lang != "en":
            for position, score in self._scores(gloss, "en").items():
                scores[position] = scores.get(position, 0) + score
        if not scores:
            return None
        best = max(scores, key=lambda position: (scores[position], -position))
        return self.themes[best].key if scores[best] >= self.min_score else None

    def _scores(self, text, lang):
        index = self._index.get(lang, self._index["en"])
        words = stems(text, lang if lang in LANGUAGES else "en")
        found = set()
        for start, word in enumerate(words):
            for phrase, position in index.get(word, ()):
                if tuple(words[start : start + len(phrase)]) == phrase:
                    found.add((phrase, position))
        scores = {}
        for phrase, position in found:
            scores[position] = scores.get(position, 0) + len(phrase)
        return scores

    def _phrases(self, lang):
        index = {}
        for position, theme in enumerate(self.themes):
            for keyword in theme.keywords.get(lang, ()):
                phrase = tuple(stems(keyword, lang))
                if phrase:
                    index.setdefault(phrase[0], []).append((phrase, position))
        return index

    def __repr__(self):
        return f"Codebook(name={self.name!r}, themes={len(self.themes)})"


def _theme(item, number):
    if not isinstance(item, dict) or not item.get("key"):
        raise CodebookError(f"theme {number} needs a 'key'")
    key = str(item["key"])
    names = item.get("names") or {}
    if not isinstance(names, dict) or not names.get("en"):
        raise CodebookError(f"theme {key!r} needs names: {{en: ..., es: ...}}")
    keywords = item.get("keywords") or {}
    if not isinstance(keywords, dict) or any(
        not isinstance(words, list) for words in keywords.values()
    ):
        raise CodebookError(f"theme {key!r}: keywords are lists by language, {{en: [...]}}")
    return CodebookTheme(
        key=key,
        names={"en": str(names["en"]), "es": str(names.get("es") or names["en"])},
        keywords={lang: tuple(str(w) for w in words) for lang, words in keywords.items()},
        description=dict(item.get("description") or {}),
    )
