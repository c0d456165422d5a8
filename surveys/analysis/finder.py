"""``ThemeFinder``: the whole analysis, from documents to a ``ThemeResult``.

Stages, each swappable as in BERTopic::

    clean -> redact -> language -> bridge (translate)   make_pipeline of transformers
    -> vectorize (TF-IDF of stems) -> codebook (known themes) -> cluster the rest
    -> label (words per language, names, quotes)

Documents are sorted by text before anything else, so neither the order they
come in nor their ids change the themes; theme ids follow size (largest first), then name.
"""

from dataclasses import replace

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.pipeline import make_pipeline

from .clean import TextCleaner
from .cluster import ThemeClusterer
from .codebook import Codebook
from .label import ThemeLabeller
from .prepare import Bridge, LanguageTagger, Redactor, resolve_translator
from .records import Record
from .result import NON_ANSWER, Document, ThemeResult
from .translate import NullTranslator, TranslationError
from .vectorize import ThemeVectorizer

VERSION = 1  # of the method; stored with results so that runs can be compared


class ThemeFinder(BaseEstimator):
    """Finds themes in English and Spanish answers and focus-group statements.

    Parameters
    ----------
    n_themes : int or None
        Number of themes to find among the answers the codebook does not
        claim; None chooses it (up to ``max_themes``).
    random_state : int
        Seed; the same documents and seed give the same result.
    translator : "auto", "apertium", None/"none", or a ``Translator``
        "auto" uses Apertium when installed and says so in the warnings
        when it is not.
    codebook : Codebook, dict, path, bundled name ("safe-return") or None
        Known themes; answers using their keywords join them.
    vectorizer, clusterer, labeller : estimators or None
        Stages to swap; None uses ``ThemeVectorizer``, ``ThemeClusterer``
        and ``ThemeLabeller``.
    max_themes : int
        Upper bound when the number of themes is chosen.
    non_answers : list of str or None
        Extra phrases to treat as saying nothing.
    mask : callable or None
        The masking function (``mask_personal_details`` by default).
    n_jobs : int or None
        Processes for masking large inputs, as in scikit-learn
        (None: one; -1: one per core). Used only from a single-threaded
        process, such as the command line; results are the same either way.

    Attributes
    ----------
    result_ : ThemeResult
    translator_ : the translator used
    n_themes_ : number of themes found (codebook themes included)
    """

    def __init__(
        self,
        n_themes=None,
        random_state=0,
        translator="auto",
        codebook=None,
        vectorizer=None,
        clusterer=None,
        labeller=None,
        max_themes=20,
        non_answers=None,
        mask=None,
        n_jobs=None,
    ):
        self.n_themes = n_themes
        self.random_state = random_state
        self.translator = translator
        self.codebook = codebook
        self.vectorizer = vectorizer
        self.clusterer = clusterer
        self.labeller = labeller
        self.max_themes = max_themes
        self.non_answers = non_answers
        self.mask = mask
        self.n_jobs = n_jobs

    def fit(self, documents, y=None):
        documents = _validated(documents)
        if self.n_themes is not None and int(self.n_themes) < 1:
            raise ValueError(f"n_themes must be at least 1, got {self.n_themes}")
        codebook = _codebook(self.codebook)
        records, warnings = self._prepare(documents)
        answered = [r for r in records if not r.non_answer]
        groups, X = self._group(answered, codebook)
        themes, labels = self._themes(groups, answered, X, codebook)
        self.n_themes_ = len(themes)
        self.result_ = ThemeResult(
            labels={r.id: labels.get(r.id, NON_ANSWER) for r in records},
            themes=themes,
            languages={r.id: r.lang for r in records},
            masked_texts={r.id: r.text for r in records},
            glosses={r.id: r.gloss for r in records if r.gloss},
            translated=self.translated_,
            warnings=warnings,
            parameters=self._parameters(codebook),
        )
        return self

    def _themes(self, groups, answered, X, codebook):
        """Labelled themes numbered by size then name, and each answer's theme id."""
        labeller = clone(self.labeller) if self.labeller is not None else ThemeLabeller()
        labelled = labeller.label(groups, answered, X, self.translator_, codebook)
        ordered = sorted(zip(labelled, groups, strict=True), key=lambda pair: _order(*pair, groups))
        themes, labels = [], {}
        for number, (theme, key) in enumerate(ordered):
            themes.append(replace(theme, id=number))
            labels.update((answered[index].id, number) for index in groups[key])
        return themes, labels

    def _prepare(self, documents):
        """Clean, mask, tag and translate; untranslated if the engine fails."""
        self.translator_ = resolve_translator(self.translator)
        records = [Record.from_document(d) for d in documents]
        try:
            prepare = self._preparation(self.translator_)
            prepared = prepare.fit_transform(records)
            warnings = []
        except TranslationError as error:
            self.translator_ = NullTranslator()
            prepare = self._preparation(self.translator_)
            prepared = prepare.fit_transform(records)
            warnings = [f"Translation failed ({error}); the answers were analysed untranslated."]
        bridge = prepare[-1]
        self.translated_ = bridge.translated_
        return prepared, warnings + bridge.warnings_

    def _preparation(self, translator):
        return make_pipeline(
            TextCleaner(self.non_answers),
            Redactor(self.mask, self.n_jobs),
            LanguageTagger(),
            Bridge(translator),
        )

    def _group(self, answered, codebook):
        """Indices of the answers by codebook key or cluster number; and the vectors."""
        if not answered:
            return {}, None
        vectorizer = clone(self.vectorizer) if self.vectorizer is not None else ThemeVectorizer()
        X = vectorizer.fit_transform(answered)
        self.vectorizer_ = vectorizer
        keys = [None] * len(answered)
        if codebook is not None:
            keys = [codebook.match(r.text, r.lang, r.gloss) for r in answered]
        groups = {}
        for index, key in enumerate(keys):
            if key is not None:
                groups.setdefault(key, []).append(index)
        rest = np.flatnonzero([key is None for key in keys])
        if len(rest):
            clusterer = self._clusterer()
            clusterer.fit(X[rest])
            self.clusterer_ = clusterer
            for index, label in zip(rest, clusterer.labels_, strict=True):
                groups.setdefault(int(label), []).append(int(index))
        return groups, X

    def _clusterer(self):
        if self.clusterer is not None:
            clusterer = clone(self.clusterer)
            params = clusterer.get_params()
            if "n_clusters" in params and self.n_themes is not None:
                clusterer.set_params(n_clusters=int(self.n_themes))
            if "random_state" in params:
                clusterer.set_params(random_state=self.random_state)
            return clusterer
        return ThemeClusterer(
            n_clusters=None if self.n_themes is None else int(self.n_themes),
            random_state=self.random_state,
            max_clusters=self.max_themes,
        )

    def _parameters(self, codebook):
        return {
            "method": f"voces-themes-{VERSION}",
            "n_themes": self.n_themes,
            "random_state": self.random_state,
            "translator": getattr(self.translator_, "name", type(self.translator_).__name__),
            "codebook": codebook.name if codebook is not None else None,
            "themes_found": self.n_themes_,
        }


def find_themes(documents, **params):
    """Themes of ``documents`` (``Document`` objects or dicts); see ``ThemeFinder``."""
    return ThemeFinder(**params).fit(documents).result_


def _validated(documents):
    """Documents sorted by text; dicts are read with ``Document.from_dict``."""
    if isinstance(documents, (str, bytes)) or not hasattr(documents, "__iter__"):
        raise TypeError("documents is a list of Document objects (or dicts)")
    docs = []
    for item in documents:
        if isinstance(item, dict):
            item = Document.from_dict(item)
        if not isinstance(item, Document):
            raise TypeError(f"expected a Document, got {type(item).__name__}")
        docs.append(item)
    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})[:5] if len(ids) < 10_000 else []
        raise ValueError(f"document ids must be unique (repeated: {', '.join(twice) or '...'})")
    # By text, not id: the ids a file happens to use must not change the themes.
    return sorted(docs, key=lambda d: (d.text, d.lang or "", d.id))


def _codebook(codebook):
    if codebook is None or isinstance(codebook, Codebook):
        return codebook
    if isinstance(codebook, dict):
        return Codebook.from_dict(codebook)
    text = str(codebook)
    if "/" not in text and "." not in text:
        return Codebook.bundled(text)
    return Codebook.from_file(text)


def _order(theme, key, groups):
    """Largest first, then by name; the group's first member settles the rest."""
    return (-theme.size, theme.names.get("en", ""), min(groups[key]))
