"""Read a definition file (YAML or JSON) and check it."""

import json
from pathlib import Path

import yaml
from flask_babel import lazy_gettext as _l

from .validator import SUPPORTED_LANGUAGES as LANGUAGES
from .validator import Problem, validate


class DefinitionError(ValueError):
    """The file is not a valid survey; ``problems`` lists every reason."""

    def __init__(self, problems, source=""):
        self.problems = problems
        self.source = source
        super().__init__(self.report())

    def report(self):
        prefix = f"{self.source}: " if self.source else ""
        return "\n".join(f"{prefix}{problem}" for problem in self.problems)


def parse_text(text, source=""):
    """Parse and validate definition text; raise ``DefinitionError`` on any problem."""
    try:
        # JSON first: PyYAML reads YAML 1.1, where a JSON number such as 1e+20
        # would be a string. Anything that is not JSON is read as YAML.
        data = json.loads(text)
    except ValueError:
        data = _yaml(text, source)
    if not _is_unicode(data):
        # "\ud800" escapes decode to half a character, which no page can show.
        reason = _l("the file has text that is not valid Unicode")
        raise DefinitionError([Problem("(file)", reason)], source)
    data = normalize(data)
    problems = validate(data)
    if problems:
        raise DefinitionError(problems, source)
    # A round trip through JSON gives exactly what the database will store.
    return json.loads(json.dumps(data))


def _is_unicode(data):
    try:
        json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _yaml(text, source):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        reason = _l("not valid YAML or JSON: %(error)s", error=str(error))
        raise DefinitionError([Problem(where, reason)], source) from None


def normalize(data):
    """The definition as it is stored: texts trimmed, line breaks as ``\\n``, and
    ``other: false`` / ``decimals: false`` left out (they mean the same as nothing).

    YAML block scalars end with a line break and browsers send ``\\r\\n``; an
    XLSForm keeps neither, so a survey is stored the one way every format keeps.
    """
    if isinstance(data, list):
        return [normalize(item) for item in data]
    if not isinstance(data, dict):
        return data
    if data and set(data) <= set(LANGUAGES) and all(isinstance(v, str) for v in data.values()):
        return {lang: _clean(text) for lang, text in data.items()}
    question = "type" in data and "key" in data
    return {
        name: normalize(value)
        for name, value in data.items()
        if not (question and name in ("other", "decimals") and value is False)
    }


def _clean(text):
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def read_text(path, content=None):
    """The text of a definition file (or of ``content``, its bytes), refusing
    a missing or unreadable file and one that is not UTF-8 with a clear reason."""
    try:
        data = Path(path).read_bytes() if content is None else content
        return data.decode("utf-8-sig")
    except OSError as error:
        reason = _l("cannot read the file: %(error)s", error=error.strerror or str(error))
    except UnicodeDecodeError:
        reason = _l("the file is not UTF-8 text: save it as UTF-8 and try again")
    raise DefinitionError([Problem(_l("(file)"), reason)], str(path))


def load_file(path):
    return parse_text(read_text(path), str(path))
