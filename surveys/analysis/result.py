"""The shapes the analysis package takes and returns.

Plain dataclasses so that the web app, the CLI and ``python -m
surveys.analysis`` share one vocabulary without importing each other.
"""

from dataclasses import dataclass, field

NON_ANSWER = -1  # the theme id of "n/a", "nada", "-" and other non-answers


@dataclass(frozen=True)
class Document:
    """One unit of text: a survey open answer or a focus-group statement."""

    id: str
    text: str
    lang: str | None = None  # "en" or "es"; detected when missing
    community: str | None = None
    source: str = "survey"  # or "focus_group"
    role: str | None = None
    # Who said it: a response or a focus-group session. Summaries count these,
    # not texts; when missing, each document is its own respondent.
    respondent: str | None = None

    @classmethod
    def from_dict(cls, data):
        return cls(
            id=str(data["id"]),
            text=str(data.get("text") or ""),
            lang=data.get("lang"),
            community=data.get("community"),
            source=data.get("source") or "survey",
            role=data.get("role"),
            respondent=data.get("respondent"),
        )


@dataclass
class Quote:
    id: str
    text: str  # the original words, with personal details masked
    lang: str
    gloss: str | None = None  # machine translation into the other language, labelled as such


@dataclass
class Theme:
    id: int
    names: dict[str, str]  # {"en": ..., "es": ...}
    terms: dict[str, list[str]]  # top terms per language: {"en": [...], "es": [...]}
    size: int
    quotes: list[Quote] = field(default_factory=list)
    codebook_key: str | None = None  # set when the theme comes from the seeded codebook

    def label(self, language="en"):
        return self.names.get(language) or self.names.get("en", "")


@dataclass
class ThemeResult:
    labels: dict[str, int]  # document id -> theme id (NON_ANSWER for non-answers)
    themes: list[Theme]
    languages: dict[str, str]  # document id -> "en" / "es" (declared or detected)
    masked_texts: dict[str, str]  # document id -> text with personal details masked
    glosses: dict[str, str]  # document id -> machine translation used for analysis
    translated: bool  # False when no translator bridged the languages
    warnings: list[str] = field(default_factory=list)
    parameters: dict = field(default_factory=dict)

    def theme(self, theme_id):
        return next((t for t in self.themes if t.id == theme_id), None)
