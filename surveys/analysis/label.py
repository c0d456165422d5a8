"""Naming themes: top words per language, short names, representative quotes.

Words come from class-based TF-IDF (as in BERTopic): a word ranks high for a
theme when it is frequent in the theme and rare in the others. It is worked
out separately on the English and on the Spanish answers of each theme, so
that a label reads "internet, wifi / internet, wifi en casa" in the words
people used. A theme with no English answer takes its English words from
the machine translation of its Spanish ones.
"""

import math
from collections import Counter, defaultdict

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.preprocessing import normalize

from .clean import fold
from .result import Quote, Theme
from .tokens import WORD, is_content_word, stem, untagged
from .translate import is_null

LANGUAGES = ("en", "es")
TERM_SAMPLE = 2000  # answers per theme read for its words: plenty, and fast at 100,000


class ThemeLabeller(BaseEstimator):
    """Names, words and quotes for each group of answers.

    ``n_terms`` words per language, the first ``name_terms`` of which make
    the name of a theme the codebook does not name; ``n_quotes`` quotes,
    the answers nearest the theme's centre, at least one per language when
    the theme holds both.
    """

    def __init__(self, n_terms=6, name_terms=3, n_quotes=3):
        self.n_terms = n_terms
        self.name_terms = name_terms
        self.n_quotes = n_quotes

    def label(self, groups, records, X, translator=None, codebook=None):
        """One ``Theme`` per group (id -1 for now; the finder numbers them).

        ``groups`` maps a codebook key or a cluster number to the indices of
        its members in ``records`` (and rows of ``X``).
        """
        keys = list(groups)
        members = [groups[key] for key in keys]
        terms = {lang: self._terms(members, records, lang) for lang in LANGUAGES}
        glossed = [[] for _ in keys]
        if not all(terms["en"]):  # a theme without English answers: words of the translations
            glossed = self._terms(members, records, "en", glosses=True)
        themes = []
        for position, key in enumerate(keys):
            theme_terms = {
                "en": terms["en"][position] or glossed[position],
                "es": terms["es"][position],
            }
            themes.append(
                Theme(
                    id=-1,
                    names=self._names(key, theme_terms, codebook),
                    terms=theme_terms,
                    size=len(members[position]),
                    quotes=self._quotes(members[position], records, X),
                    codebook_key=key if isinstance(key, str) else None,
                )
            )
        self._gloss_quotes(themes, translator)
        self._spanish_names(themes, translator, codebook)
        return themes

    # Words ────────────────────────────────────────────────────────────────

    def _terms(self, members, records, lang, glosses=False):
        """Top words of each group in one language, by class-based TF-IDF."""
        counts, forms = [], defaultdict(Counter)
        for indices in members:
            found = Counter()
            for index in _spread(indices, TERM_SAMPLE):
                text = self._text(records[index], lang, glosses)
                if text:
                    found.update(_grams(text, lang, forms))
            counts.append(found)
        totals = Counter()
        for found in counts:
            totals.update(found)
        sizes = [sum(found.values()) for found in counts if found]
        average = sum(sizes) / len(sizes) if sizes else 0
        return [self._top(found, totals, average, forms) for found in counts]

    @staticmethod
    def _text(record, lang, glosses):
        if glosses:
            return record.gloss if record.lang != lang else None
        return record.text if record.lang == lang else None

    def _top(self, found, totals, average, forms):
        """The group's best words: frequent in it (``found``), rare in all (``totals``)."""
        if not found:
            return []
        size = sum(found.values())
        least = 2 if max(found.values()) >= 2 else 1
        scored = sorted(
            (
                (-(n / size) * math.log(1 + average / totals[gram]), -n, gram)
                for gram, n in found.items()
                if n >= (least if len(gram) == 1 else 2)
            ),
        )
        chosen = []
        for _score, n, gram in scored:
            if len(gram) == 2 and -n < 0.5 * max(found[(word,)] for word in gram):
                continue  # a pair shown only when it is how the words are mostly used
            _add_term(chosen, gram)
            if len(chosen) >= self.n_terms:
                break
        return [forms[gram].most_common(1)[0][0] for gram in chosen]

    # Names ────────────────────────────────────────────────────────────────

    def _names(self, key, terms, codebook):
        if codebook is not None and isinstance(key, str):
            return dict(codebook.theme(key).names)
        english = ", ".join((terms["en"] or terms["es"])[: self.name_terms])
        spanish = ", ".join(terms["es"][: self.name_terms])
        return {"en": english, "es": spanish}

    def _spanish_names(self, themes, translator, codebook):
        """A Spanish name for themes with no Spanish answer: translated, or the English one."""
        missing = [t for t in themes if not t.names["es"]]
        if not missing:
            return
        if translator is None or is_null(translator):
            for theme in missing:
                theme.names["es"] = theme.names["en"]
            return
        words_en = [word for t in missing for word in t.terms["en"][: self.name_terms]]
        words_es = dict(zip(words_en, translator.translate(words_en, "en", "es"), strict=True))
        for theme in missing:
            names = [words_es[w].lower() for w in theme.terms["en"][: self.name_terms]]
            theme.names["es"] = ", ".join(dict.fromkeys(names)) or theme.names["en"]

    # Quotes ───────────────────────────────────────────────────────────────

    def _quotes(self, indices, records, X):
        """The answers nearest the centre, one per language first when both are there."""
        rows = np.asarray(indices)
        centre = normalize(np.asarray(X[rows].mean(axis=0)))
        closeness = np.asarray(X[rows] @ centre.ravel()).ravel()
        order = sorted(
            range(len(rows)),
            key=lambda i: (-closeness[i], records[rows[i]].text, records[rows[i]].id),
        )
        ranked, seen = [], set()
        for i in order:  # enough distinct answers to pick from, one language or both
            record = records[rows[i]]
            if fold(record.text) not in seen:
                seen.add(fold(record.text))
                ranked.append(record)
            if len(ranked) >= self.n_quotes and len({r.lang for r in ranked}) == 2:
                break
        picked = []
        for lang in LANGUAGES:
            first = next((r for r in ranked if r.lang == lang), None)
            if first is not None and len({r.lang for r in ranked}) > 1:
                picked.append(first)
        for record in ranked:
            if len(picked) >= self.n_quotes:
                break
            if record not in picked:
                picked.append(record)
        picked = sorted(picked[: self.n_quotes], key=ranked.index)
        return [Quote(id=r.id, text=r.text, lang=r.lang, gloss=r.gloss) for r in picked]

    def _gloss_quotes(self, themes, translator):
        """Spanish glosses for the English quotes, when a translator is there."""
        if translator is None or is_null(translator):
            return
        english = [q for t in themes for q in t.quotes if q.lang == "en"]
        if english:
            glosses = translator.translate([q.text for q in english], "en", "es")
            for quote, gloss in zip(english, glosses, strict=True):
                quote.gloss = gloss


def _spread(indices, most):
    """At most ``most`` of ``indices``, evenly spread."""
    if len(indices) <= most:
        return indices
    step = len(indices) / most
    return [indices[int(i * step)] for i in range(most)]


def _grams(text, lang, forms):
    """Stemmed words and pairs of words written side by side, noting how each was written."""
    grams, previous = [], None
    for word in WORD.findall(untagged(text).lower()):
        if not is_content_word(word, lang):
            previous = None
            continue
        key = stem(word, lang)
        forms[(key,)][word] += 1
        grams.append((key,))
        if previous is not None and previous[0] != key:
            pair = (previous[0], key)
            forms[pair][f"{previous[1]} {word}"] += 1
            grams.append(pair)
        previous = (key, word)
    return grams


def _add_term(chosen, gram):
    """Add ``gram`` unless its words are already shown; a pair replaces its word."""
    if len(gram) == 1:
        if not any(gram[0] in other for other in chosen):
            chosen.append(gram)
        return
    inside = [other for other in chosen if len(other) == 1 and other[0] in gram]
    if len(inside) == 2 or any(set(gram) <= set(other) for other in chosen):
        return
    if inside:
        chosen[chosen.index(inside[0])] = gram
    else:
        chosen.append(gram)
