"""Tidying answers and spotting non-answers ("n/a", "nada", "no sé", "-").

A non-answer says the person had nothing to add. It is kept (it counts as an
answer in the summaries) but given the theme ``NON_ANSWER`` and left out of
the clustering, where a pile of "nada" would otherwise form a theme.
"""

import re
import unicodedata

from sklearn.base import BaseEstimator, TransformerMixin

SPACE = re.compile(r"\s+")
# Letters and digits survive; everything else (punctuation, emoji) splits words.
NOT_WORD = re.compile(r"[^\w]+")

# Compared after lower-casing, dropping accents and punctuation: "No sé." -> "no se".
NON_ANSWERS = frozenset(
    phrase.strip()
    for phrase in """
    n a|na|n a a|none|nothing|no|nope|nah|nil|null|idk|i dont know|i do not know|dont know|
    not sure|unsure|no idea|no comment|no comments|no answer|nothing else|nothing really|
    nothing more|nothing to add|nothing to say|not applicable|no thanks|no thank you|
    no response|pass|skip|na na|x|xx|xxx|
    nada|nada mas|nada mas que decir|nada que decir|nada que agregar|no se|no lo se|
    yo no se|ni idea|ninguno|ninguna|ningun|ninguno por ahora|sin comentarios|
    sin comentario|sin respuesta|no aplica|no tengo|no tengo nada|no gracias|
    no por ahora|nada por ahora|por ahora nada|ninguna por ahora|no se que decir|
    ya|ya esta|ok|okay|oki|k|vale|si|yes|nothing at this time|not at this time|
    none at this time|not really|no opinion|nothing thanks|none thanks|
    no tengo comentarios|nada que comentar|nada que anadir|no por el momento|
    nada por el momento|nada gracias|ninguno gracias|thanks|thank you|gracias|
    muchas gracias|same|same as above|lo mismo|igual
    """.replace("\n", "").split("|")
) - {""}


def tidy(text):
    """``text`` with runs of white space (new lines included) made one space."""
    # str.split() splits on exactly the characters ``\s`` matches, several times faster.
    return " ".join(str(text or "").split())


ACCENTED = str.maketrans("áéíóúüñàèìòùâêîôûäëïöçÁÉÍÓÚÜÑ", "aeiouunaeiouaeiouaeiocAEIOUUN")
LONGEST_NON_ANSWER = 40  # characters: longer answers are never "nothing"


def strip_accents(text):
    """``"opción"`` -> ``"opcion"``; ñ becomes n too, as phones often type it."""
    quick = text.translate(ACCENTED)
    if quick.isascii():
        return quick
    decomposed = unicodedata.normalize("NFKD", quick)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text):
    """Lower case, no accents, punctuation as single spaces: the form compared."""
    return SPACE.sub(" ", NOT_WORD.sub(" ", strip_accents(text.lower()).replace("_", " "))).strip()


def is_non_answer(text):
    """True for empty answers, bare punctuation and the usual "nothing" phrases."""
    if len(text) > LONGEST_NON_ANSWER:
        return False
    folded = fold(text)
    return not folded or folded in NON_ANSWERS


class TextCleaner(TransformerMixin, BaseEstimator):
    """Tidies white space and flags non-answers.

    Transforms a list of ``Record`` into new records whose ``text`` is tidied
    and whose ``non_answer`` says whether it says nothing. ``non_answers``
    adds phrases of a survey's own ("same as above").
    """

    def __init__(self, non_answers=None):
        self.non_answers = non_answers

    def fit(self, records, y=None):
        extra = self.non_answers or ()
        if isinstance(extra, str):
            raise TypeError("non_answers is a list of phrases, not one string")
        self.extra_non_answers_ = frozenset(fold(phrase) for phrase in extra)
        return self

    def transform(self, records):
        return [self._clean(record) for record in records]

    def _clean(self, record):
        text = tidy(record.text)
        silent = is_non_answer(text) or (
            bool(self.extra_non_answers_) and fold(text) in self.extra_non_answers_
        )
        if text == record.text and silent == record.non_answer:
            return record  # most answers: no copy
        return record._replace(text=text, non_answer=silent)
