"""Machine translation between English and Spanish, for analysis only.

Spanish answers are translated into English so that "internet en casa" and
"wifi at home" can fall into one theme; people always read the original
words, with the translation shown beside them as a labelled gloss.

A translator is anything with ``translate(texts, source, target) -> texts``
(the ``Translator`` protocol). ``ApertiumTranslator`` runs the free, offline
Apertium engine (``sudo apt-get install apertium apertium-eng-spa``): no text
leaves the machine. ``NullTranslator`` translates nothing; the analysis then
says plainly that the two languages were analysed apart.

``CachedTranslator`` wraps any translator so that each text is translated
once: in memory, and across runs in an optional SQLite file. Only masked texts
reach a translator, so the cache holds no e-mail address or phone number.
"""

import functools
import hashlib
import math
import os
import re
import shutil
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol, runtime_checkable

from .clean import tidy
from .workers import cpu_count

INSTALL_HINT = "sudo apt-get install apertium apertium-eng-spa"
CACHE_ENV = "VOCES_TRANSLATION_CACHE"  # a directory for the on-disk cache
APERTIUM_CODES = {"en": "eng", "es": "spa"}
# Apertium marks words it could not handle: *unknown (not with -u), #ungenerated, @untransferred.
MARK = re.compile(r"(?<![\w*#@])[*#@](?=\w)")
SENTENCE_END = re.compile(r"[.!?…]\s*$")


class TranslationError(RuntimeError):
    """The translation engine failed; the analysis goes on untranslated."""


@runtime_checkable
class Translator(Protocol):
    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        """``texts`` in language ``source`` ("en", "es") translated into ``target``."""


class NullTranslator:
    """Translates nothing: the texts come back as they were."""

    name = "none"

    def translate(self, texts, source, target):
        return list(texts)

    def __repr__(self):
        return "NullTranslator()"


class TranslationCache:
    """Translations by sha256 of (direction, text): in memory, and in
    ``directory/translations.sqlite3`` when a directory is given."""

    FILE = "translations.sqlite3"
    CHUNK = 500  # keys per SQL query, below SQLite's variable limit

    def __init__(self, directory=None):
        self.directory = directory
        self.memory = {}
        self.path = None
        if directory:
            Path(directory).mkdir(parents=True, exist_ok=True)
            self.path = Path(directory) / self.FILE
            with self._connect() as con:
                con.execute(
                    "CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, text TEXT)"
                )

    @staticmethod
    def key(source, target, text, namespace=""):
        return hashlib.sha256(f"{namespace}:{source}>{target}\n{text}".encode()).hexdigest()

    def get_many(self, keys):
        """The cached translations among ``keys``, as a dict."""
        found = {k: self.memory[k] for k in keys if k in self.memory}
        missing = [k for k in keys if k not in found]
        if self.path and missing:
            with self._connect() as con:
                for start in range(0, len(missing), self.CHUNK):
                    chunk = missing[start : start + self.CHUNK]
                    marks = ",".join("?" * len(chunk))
                    rows = con.execute(
                        f"SELECT key, text FROM translations WHERE key IN ({marks})", chunk
                    )
                    found.update(rows)
            self.memory.update((k, found[k]) for k in missing if k in found)
        return found

    def put_many(self, pairs):
        self.memory.update(pairs)
        if self.path and pairs:
            with self._connect() as con:
                con.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?)", pairs.items())

    def _connect(self):
        return _Connection(self.path)


class _Connection:
    """An SQLite connection that commits and closes at the end of a ``with``."""

    def __init__(self, path):
        self.con = sqlite3.connect(path, timeout=30)

    def __enter__(self):
        return self.con

    def __exit__(self, kind, value, traceback):
        try:
            if kind is None:
                self.con.commit()
        finally:
            self.con.close()


class CachedTranslator:
    """Any translator, asked only for the texts it has not translated before.

    Texts are tidied (new lines become spaces) and each distinct text is sent
    once. ``calls`` counts the texts actually sent, for tests and benchmarks.
    """

    def __init__(self, translator, cache_dir=None):
        self.translator = translator
        self.cache = TranslationCache(cache_dir)
        self.calls = 0

    @property
    def name(self):
        return getattr(self.translator, "name", type(self.translator).__name__)

    def translate(self, texts, source, target):
        if source == target:
            return list(texts)
        texts = [tidy(text) for text in texts]
        space = getattr(self.translator, "cache_namespace", self.name)
        keys = [TranslationCache.key(source, target, text, space) for text in texts]
        known = self.cache.get_many(list(dict.fromkeys(keys)))
        todo = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in known and text:
                todo.setdefault(key, text)
        if todo:
            self.calls += len(todo)
            fresh = self.translator.translate(list(todo.values()), source, target)
            made = dict(zip(todo, fresh, strict=True))
            self.cache.put_many(made)
            known.update(made)
        return [known.get(key, text) for key, text in zip(keys, texts, strict=True)]

    def __repr__(self):
        return f"CachedTranslator({self.translator!r}, cache_dir={self.cache.directory!r})"


# School words the Apertium dictionaries get wrong ("maestros" -> "masters",
# "consejera" -> "adviser", "salón" -> "living room", "la migra" -> "migrates
# it"), rewritten before translation: into words Apertium knows, or into the
# English word itself, which it passes through untouched.
GLOSSARY = {
    ("es", "en"): (
        (r"consejer[oa]s", "counselors"),
        (r"consejer[oa]", "counselor"),
        (r"psic[oó]log[oa]s", "psychologists"),
        (r"maestr[oa]s", "teachers"),
        (r"maestr[oa]", "teacher"),
        (r"salones", "classrooms"),
        (r"sal[oó]n", "classroom"),
        (r"almuerzos?|lonche", "lunch"),
        (r"camiones", "autobuses"),
        (r"cami[oó]n", "autobús"),
        (r"juntas", "reuniones"),
        (r"junta", "reunión"),
        (r"la migra", "los agentes de inmigración"),
        (r"migra", "inmigración"),
        (r"tutor[ií]as?", "tutoring"),
        (r"hermanit[oa]s", "little siblings"),
        (r"hermanito", "little brother"),
        (r"hermanita", "little sister"),
        (r"cubrebocas", "masks"),
        (r"compus?", "computadora"),
        (r"cel|celular", "phone"),
        (r"prepa", "high school"),
        (r"se atras(?:aron|ó|o|an|a)|atrasad[oa]s?", "fell behind"),
        (r"pl[aá]ticas?", "talk"),
    ),
    ("en", "es"): (
        (r"counselors", "consejeros"),
        (r"counselor", "consejero"),
        (r"tutoring", "tutorías"),
        (r"little brother", "hermanito"),
        (r"little sister", "hermanita"),
    ),
}


def _glossary_pattern(entries):
    """One pattern for all entries, each a named group, in the order given."""
    groups = "|".join(f"(?P<g{n}>{pattern})" for n, (pattern, _word) in enumerate(entries))
    return re.compile(rf"\b(?:{groups})\b", re.IGNORECASE), [word for _p, word in entries]


GLOSSARY_PATTERNS = {pair: _glossary_pattern(entries) for pair, entries in GLOSSARY.items()}


def apply_glossary(text, source, target):
    """``text`` with the glossary's school words put in before translation."""
    if (source, target) not in GLOSSARY_PATTERNS:
        return text
    pattern, words = GLOSSARY_PATTERNS[(source, target)]
    return pattern.sub(lambda m: _same_case(m.group(0), words[int(m.lastgroup[1:])]), text)


def _same_case(original, word):
    return word[:1].upper() + word[1:] if original[:1].isupper() else word


# Masking tags ("[name]") would be translated ("[nombre]"): they travel as
# unknown words, which Apertium passes through, and come back as tags.
TAGS = {tag: f"Xq{tag[1:-1].replace(' ', '')}q" for tag in
        ("[name]", "[address]", "[email]", "[phone]", "[id number]")}  # fmt: skip
TAG_BACK = {token.lower(): tag for tag, token in TAGS.items()}
TAG_TOKEN = re.compile("|".join(TAGS.values()), re.IGNORECASE)


def _hide_tags(text):
    for tag, token in TAGS.items():
        text = text.replace(tag, token)
    return text


def _show_tags(text):
    return TAG_TOKEN.sub(lambda m: TAG_BACK[m.group(0).lower()], text)


class ApertiumProcess:
    """Runs ``apertium -u spa-eng`` (or ``eng-spa``) on batches, one text a line.

    Apertium reads a batch as running text: its transfer rules would move
    words across lines ("the school bus" / "immigration agents") unless
    every line ends a sentence, so a full stop is added where none is, and
    taken off the translation again. Each line is translated on its own, so
    batches can run side by side: ``jobs`` engines at once (default: one per
    core), which halves a cold run on two cores.
    """

    name = "apertium"
    cache_namespace = "apertium-glossary-2"  # changes when the glossary does
    MIN_BATCH = 500  # texts; an engine takes a third of a second to start

    def __init__(self, command="apertium", batch_size=5000, timeout=900, jobs=None):
        self.command = command
        self.batch_size = batch_size
        self.timeout = timeout
        self.jobs = jobs

    def translate(self, texts, source, target):
        mode = _mode(source, target)
        lines = [_hide_tags(apply_glossary(tidy(text), source, target)) for text in texts]
        ended = [line if SENTENCE_END.search(line) else line + "." for line in lines]
        batches = self._batches(ended)
        with ThreadPoolExecutor(max(1, min(len(batches), self._jobs()))) as pool:
            done = pool.map(functools.partial(self._batch, mode=mode), batches)
            out = [line for batch in done for line in batch]
        return [_finish(t, s, e) for t, s, e in zip(out, lines, ended, strict=True)]

    def _jobs(self):
        return self.jobs or cpu_count()

    def _batches(self, lines):
        """Equal batches, as many as the engines at once (or a multiple of that)."""
        jobs = min(self._jobs(), max(1, len(lines) // self.MIN_BATCH))
        count = jobs * math.ceil(len(lines) / (self.batch_size * jobs)) or 1
        size = math.ceil(len(lines) / count) or 1
        return [lines[start : start + size] for start in range(0, len(lines), size)]

    def _batch(self, lines, mode):
        result = self._run("\n".join(lines) + "\n", mode).split("\n")
        if result and result[-1] == "":
            result.pop()
        if len(result) == len(lines):
            return result
        if len(lines) == 1:  # the engine split one text into lines: rejoin them
            return [" ".join(result)]
        middle = len(lines) // 2
        return self._batch(lines[:middle], mode) + self._batch(lines[middle:], mode)

    def _run(self, text, mode):
        try:
            done = subprocess.run(
                [self.command, "-u", mode],
                input=text,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=self.timeout,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise TranslationError(f"apertium could not run: {error}") from error
        if done.returncode != 0:
            raise TranslationError(f"apertium {mode} failed: {done.stderr.strip()[:300]}")
        return done.stdout


class ApertiumTranslator(CachedTranslator):
    """Apertium (offline, free) with a translation cache.

    ``cache_dir``: a directory for the on-disk cache, so that each answer is
    translated once across runs (default: ``$VOCES_TRANSLATION_CACHE`` if set,
    else memory only). ``jobs``: engines run at once (default: one per core).
    """

    def __init__(self, cache_dir=None, command="apertium", batch_size=5000, jobs=None):
        if cache_dir is None:
            cache_dir = os.environ.get(CACHE_ENV) or None
        super().__init__(ApertiumProcess(command, batch_size, jobs=jobs), cache_dir)

    @staticmethod
    def available(command="apertium"):
        """True when the ``apertium`` command and the English-Spanish pair are installed."""
        return _apertium_pairs(command) >= {"eng-spa", "spa-eng"}

    def __repr__(self):
        return f"ApertiumTranslator(cache_dir={self.cache.directory!r})"


@functools.lru_cache(maxsize=4)
def _apertium_pairs(command):
    if shutil.which(command) is None:
        return frozenset()
    try:
        done = subprocess.run(
            [command, "-l"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(done.stdout.split())


def default_translator(cache_dir=None):
    """Apertium when installed, else the ``NullTranslator``."""
    if ApertiumTranslator.available():
        return ApertiumTranslator(cache_dir=cache_dir)
    return NullTranslator()


def is_null(translator):
    return isinstance(translator, NullTranslator) or isinstance(
        getattr(translator, "translator", None), NullTranslator
    )


def _mode(source, target):
    try:
        return f"{APERTIUM_CODES[source]}-{APERTIUM_CODES[target]}"
    except KeyError:
        raise ValueError(f"no translation from {source!r} to {target!r}") from None


def _finish(translated, line, ended):
    """The translation without Apertium's marks (unless the source had the
    sign) and without the full stop added to end the line."""
    text = tidy(MARK.sub(lambda m: m.group(0) if m.group(0) in line else "", translated))
    if ended != line and text.endswith("."):
        text = text[:-1].rstrip()
    return _show_tags(text)
