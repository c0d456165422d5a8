"""Read a definition file (YAML or JSON) and check it."""

import json
from pathlib import Path

import yaml
from flask_babel import lazy_gettext as _l

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
        # JSON is a subset of YAML 1.2, so one parser reads both formats.
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        reason = _l("not valid YAML or JSON: %(error)s", error=str(error))
        raise DefinitionError([Problem(where, reason)], source) from None
    if not _is_unicode(data):
        # "\ud800" escapes decode to half a character, which no page can show.
        reason = _l("the file has text that is not valid Unicode")
        raise DefinitionError([Problem("(file)", reason)], source)
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


def load_file(path):
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = _l("cannot read the file: %(error)s", error=str(error))
        raise DefinitionError([Problem("(file)", reason)], str(path)) from None
    return parse_text(text, str(path))
