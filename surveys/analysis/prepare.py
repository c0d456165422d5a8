"""Preparation stages: mask personal details, settle the language, translate.

Each stage transforms a list of ``Record`` into new records, so that they
compose with ``sklearn.pipeline.make_pipeline`` after ``TextCleaner``.
"""

from sklearn.base import BaseEstimator, TransformerMixin

from .language import detect_language
from .redact import mask_personal_details
from .translate import (
    INSTALL_HINT,
    ApertiumTranslator,
    NullTranslator,
    Translator,
    default_translator,
    is_null,
)
from .workers import parallel_map

LANGUAGE_NAMES = {
    "en": "en", "eng": "en", "english": "en", "inglés": "en", "ingles": "en",
    "es": "es", "spa": "es", "spanish": "es", "español": "es", "espanol": "es",
}  # fmt: skip
UNTRANSLATED = (
    "English and Spanish answers were analysed untranslated, so one need may "
    "appear as two themes, one per language. To bridge the languages, install "
    f"Apertium on the server ({INSTALL_HINT}) and run the analysis again."
)


class Redactor(TransformerMixin, BaseEstimator):
    """Masks e-mail addresses, phone and ID numbers, street addresses and names.

    ``mask`` is the function applied to each text (``mask_personal_details``
    by default); everything downstream, and everything shown, reads the
    masked text. ``n_jobs``: processes for large inputs (see ``workers``).
    """

    def __init__(self, mask=None, n_jobs=None):
        self.mask = mask
        self.n_jobs = n_jobs

    def fit(self, records, y=None):
        self.mask_ = self.mask or mask_personal_details
        return self

    def transform(self, records):
        masked = parallel_map(self.mask_, [r.text for r in records], self.n_jobs)
        return [_with(r, text=text) for r, text in zip(records, masked, strict=True)]


def _with(record, **changes):
    """``record`` with ``changes``; the same record when nothing changes."""
    if all(getattr(record, name) == value for name, value in changes.items()):
        return record
    return record._replace(**changes)


def normalize_language(code):
    """``"es-MX"``, ``"spa"``, ``"Spanish"`` -> ``"es"``; None when not English or Spanish."""
    if not code:
        return None
    code = str(code).strip().lower()
    return LANGUAGE_NAMES.get(code) or LANGUAGE_NAMES.get(code.replace("_", "-").split("-")[0])


class LanguageTagger(TransformerMixin, BaseEstimator):
    """Keeps a declared language ("en", "es", "es-MX"...) or detects one from the words."""

    def fit(self, records, y=None):
        return self

    def transform(self, records):
        return [
            _with(r, lang=normalize_language(r.lang) or detect_language(r.text)) for r in records
        ]


class Bridge(TransformerMixin, BaseEstimator):
    """Translates answers into ``target`` (English) for analysis only.

    ``translator``: any object with ``translate(texts, source, target)``,
    "auto" (Apertium when installed, else none), "apertium", or None/"none"
    (no translation).
    Learned: ``translator_``, ``translated_`` (whether a translator bridged
    the languages) and ``warnings_`` (plain sentences for the people
    reading the results). Non-answers are not translated. A failing engine
    raises ``TranslationError``; ``ThemeFinder`` then starts again untranslated.
    """

    def __init__(self, translator="auto", target="en"):
        self.translator = translator
        self.target = target

    def fit(self, records, y=None):
        self.translator_ = resolve_translator(self.translator)
        self.translated_ = not is_null(self.translator_)
        languages = {r.lang for r in records if not r.non_answer}
        self.warnings_ = [] if self.translated_ or len(languages) < 2 else [UNTRANSLATED]
        return self

    def transform(self, records):
        if not self.translated_:
            return records  # analysis reads the text itself
        glosses = {}
        for lang in sorted({r.lang for r in records} - {self.target}):
            todo = [r for r in records if r.lang == lang and not r.non_answer and r.text]
            found = self.translator_.translate([r.text for r in todo], lang, self.target)
            glosses.update(zip((r.id for r in todo), found, strict=True))
        return [self._bridged(r, glosses.get(r.id)) for r in records]

    def _bridged(self, record, gloss):
        if gloss is None:
            return record
        return record._replace(analysis_text=gloss, analysis_lang=self.target, gloss=gloss)


def resolve_translator(translator):
    """A translator from "auto", "apertium", "none", None or an object."""
    if translator is None or translator == "none":
        return NullTranslator()
    if translator == "auto":
        return default_translator()
    if translator == "apertium":
        return ApertiumTranslator()
    if not isinstance(translator, Translator):
        raise TypeError("translator needs a translate(texts, source, target) method")
    return translator
