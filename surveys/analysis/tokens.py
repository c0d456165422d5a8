"""Words of an answer: lower-cased, without stop words, stemmed per language.

Snowball stemmers fold "computers"/"computer" and "computadoras"/"computadora";
accents are dropped after stemming, as phones often leave them out.
"""

import functools
import re

import snowballstemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .clean import strip_accents

WORD = re.compile(r"[^\W\d_]+")
TAG = re.compile(r"\[(?:name|address|email|phone|id number)\]")
STEMMERS = {"en": "english", "es": "spanish"}

# scikit-learn's list, less words that carry meaning in answers about school
# ("fell behind", "alone", "full classes", "the system").
KEEP = {
    "alone", "behind", "bill", "bottom", "call", "cry", "describe", "detail", "empty", "fill",
    "fire", "first", "found", "front", "full", "interest", "keep", "last", "less", "move",
    "part", "serious", "side", "sincere", "system", "thick", "thin", "top",
}  # fmt: skip
ENGLISH = (ENGLISH_STOP_WORDS - KEEP) | frozenset(
    """
    don doesn didn isn aren wasn weren haven hasn hadn won wouldn shouldn couldn can't
    ll ve re im ive id dont cant wont just really like lot lots also yes yeah ok okay
    """.split()  # noqa: SIM905
)
SPANISH = frozenset(
    strip_accents(word)
    for word in """
    a al algo algun alguna algunas alguno algunos ante antes aquel aquella aquellas
    aquello aquellos aqui asi aun aunque bien cada casi como con contra cual cuales
    cualquier cuando cuanto de del desde donde dos e el ella ellas ello ellos en entre
    era eramos eran eres es esa esas ese eso esos esta estaba estaban estamos estan
    estar estas este esto estos estoy fue fueron fui ha habia habian han has hasta hay
    he hemos la las le les lo los mas me mi mis mucha muchas mucho muchos muy nada ni
    no nos nosotras nosotros nuestra nuestras nuestro nuestros o os otra otras otro
    otros para pero poco por porque pues que quien quienes se sea sean ser si sido
    sin sobre sois solo somos son soy su sus tal tambien tan tanto te tenemos tener
    tengo tiene tienen toda todas todo todos tu tus u un una unas uno unos usted
    ustedes va vamos van vez y ya yo q pq xq k tb
    ahi ahora alla alli entonces luego mismo misma nomas pos este esa tener hacer
    hace hacen haga hagan hay haya puede pueden ser sea esten estan ademas
    """.split()  # noqa: SIM905
)
STOP_WORDS = {"en": ENGLISH, "es": SPANISH}


@functools.cache
def _stemmer(lang):
    return snowballstemmer.stemmer(STEMMERS.get(lang, "english"))


@functools.lru_cache(maxsize=200_000)
def stem(word, lang):
    """The Snowball stem of a lower-case ``word``, without accents."""
    return strip_accents(_stemmer(lang).stemWord(word))


@functools.lru_cache(maxsize=200_000)
def is_content_word(word, lang="en"):
    """False for stop words and single letters of a lower-case ``word``."""
    return len(word) > 1 and strip_accents(word) not in STOP_WORDS.get(lang, ENGLISH)


def untagged(text):
    """``text`` without the tags that masking left ("[name]", "[phone]" ...)."""
    return TAG.sub(" ", text) if "[" in text else text


def words(text, lang="en"):
    """The content words of ``text``, lower-cased, as written (for labels)."""
    return [w for w in WORD.findall(untagged(text).lower()) if is_content_word(w, lang)]


def stems(text, lang="en"):
    """The stemmed content words of ``text`` (for vectors and matching)."""
    known = _STEMS.setdefault(lang, {})
    out = []
    for word in WORD.findall(untagged(text).lower()):
        found = known.get(word)
        if found is None:  # one look-up per word seen before, not two
            found = known[word] = stem(word, lang) if is_content_word(word, lang) else ""
        if found:
            out.append(found)
    return out


_STEMS = {}  # word -> stem ("" for a stop word), per language: a few thousand words
