"""Answers as TF-IDF vectors of stemmed words, one language at a time or bridged."""

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from .tokens import stems


def texts_and_languages(items):
    """``(text, lang)`` pairs from records (their analysis text) or plain strings (English)."""
    pairs = []
    for item in items:
        if isinstance(item, str):
            pairs.append((item, "en"))
        else:
            text = item.analysis_text if item.analysis_text is not None else item.text
            pairs.append((text, item.analysis_lang or item.lang or "en"))
    return pairs


def _identity(tokens):
    return tokens


class ThemeVectorizer(TransformerMixin, BaseEstimator):
    """Sublinear TF-IDF over Snowball stems, rows of unit length.

    Takes prepared records (it reads their analysis text and language) or
    plain strings (read as English). ``min_df`` "auto" keeps words seen
    once in small sets and drops them from 500 texts up, where they are noise.
    """

    def __init__(self, min_df="auto", max_df=1.0, ngram_range=(1, 1)):
        self.min_df = min_df
        self.max_df = max_df
        self.ngram_range = ngram_range

    def fit(self, items, y=None):
        self.fit_transform(items)
        return self

    def fit_transform(self, items, y=None):
        tokens = self._tokens(items)
        if not any(tokens):
            tokens = [["_"] for _ in tokens]  # no words at all: one shared dimension
        min_df = self.min_df
        if min_df == "auto":
            min_df = 2 if len(tokens) >= 500 else 1
        try:
            return self._fit_tfidf(tokens, min_df, self.max_df)
        except ValueError:  # every word pruned away: keep them all
            return self._fit_tfidf(tokens, 1, 1.0)

    def _fit_tfidf(self, tokens, min_df, max_df):
        self.tfidf_ = TfidfVectorizer(
            analyzer=_identity, sublinear_tf=True, min_df=min_df, max_df=max_df
        )
        return self.tfidf_.fit_transform(tokens)

    def transform(self, items):
        return self.tfidf_.transform(self._tokens(items))

    def _tokens(self, items):
        low, high = self.ngram_range
        out = []
        for text, lang in texts_and_languages(items):
            words = stems(text, lang)
            grams = [
                " ".join(words[i : i + n])
                for n in range(max(low, 1), high + 1)
                for i in range(len(words) - n + 1)
            ]
            out.append(grams)
        return out

    def get_feature_names_out(self, input_features=None):
        return self.tfidf_.get_feature_names_out()
