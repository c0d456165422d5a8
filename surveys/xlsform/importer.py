"""Turn an XLSForm into a Voces survey definition, or say exactly why not.

Voces reads the part of XLSForm that means the same thing in both tools
(docs/survey-format.md, "XLSForm"): text, integer, decimal, select_one,
select_multiple, note and groups, with required, hint, simple relevant
conditions and constraint ranges, in English and Spanish. Anything else is
refused with the sheet, row and column, so nothing is silently dropped. The
result is checked by the same validator as a definition file (and so by the
immigration-status guard) before anyone stores it.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from ..definition import DefinitionError, Problem, validate
from ..definition.guard import fold
from . import names
from .reader import UnreadableFile, read_sheets

# Collected by ODK on its own (device, times); Voces never collects them.
METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "imei",
}
REFUSED_TYPES = [
    (r"^(begin|end)[ _](repeat|loop)\b", _l("repeats")),
    (r"^calculate$", _l("calculations")),
    (r"^(geopoint|geotrace|geoshape|gps|start-geopoint|osm)\b", _l("location (geo) questions")),
    (r"^(image|audio|video|file|background-audio|background-video|barcode)$", _l("media")),
    (r"^(date|time|datetime)$", _l("dates and times")),
    (r"_(external|from_file)\b", _l("choices from an external file")),
    (r"^rank\b", _l("ranking questions")),
]
# Columns whose meaning Voces cannot keep.
REFUSED_COLUMNS = {
    "calculation": _l("calculations"),
    "choice_filter": _l("choice filters (cascading selects)"),
    "repeat_count": _l("repeats"),
    "default": _l("default answers"),
    "trigger": _l("triggers"),
    "readonly": _l("read-only questions"),
    "read_only": _l("read-only questions"),
    "media": _l("media"),
    "image": _l("media"),
    "audio": _l("media"),
    "video": _l("media"),
    "big-image": _l("media"),
    "autoplay": _l("media"),
    "bind": _l("custom XForm attributes"),
    "body": _l("custom XForm attributes"),
    "instance": _l("custom XForm attributes"),
    "guidance_hint": _l("guidance hints"),
    "intent": _l("external apps"),
    "save_to": _l("entities"),
}
# Appearances that change only how a question looks, never what it asks or
# which answers it takes: Voces shows its own plain layout instead.
PRESENTATIONAL = re.compile(
    r"^(minimal|quick|compact|quickcompact|compact-\d+|horizontal|horizontal-compact|columns"
    r"|columns-pack|columns-\d+|no-buttons|likert|autocomplete|field-list|table-list|multiline"
    r"|thousands-sep|vertical|picker|no-ticks|rating|w\d+)$"
)
ALIASES = {
    "list_name": "list_name",
    "list name": "list_name",
    "caption": "label",
    "constraint message": "constraint_message",
    "required message": "required_message",
    "requiredmsg": "required_message",
    "bind:relevant": "relevant",
    "bind:constraint": "constraint",
    "bind:required": "required",
    "bind:jr:constraintmsg": "constraint_message",
    "bind:readonly": "readonly",
    "control:appearance": "appearance",
}
TRANSLATABLE = {"label", "hint", "constraint_message", "required_message", "guidance_hint"}
NOT_EN_ES = _l(
    "this column's language is neither English nor Spanish (Voces surveys are in English "
    "and Spanish)"
)
TRUE = {"yes", "true", "true()", "1"}
FALSE = {"no", "false", "false()", "0", ""}
NUMBER = r"-?\d+(?:\.\d+)?"


class XLSFormError(DefinitionError):
    """The file cannot become a Voces survey; ``problems`` lists every reason."""


def where(sheet, row=None, column=None):
    if row is None:
        return _l("sheet %(sheet)s", sheet=sheet)
    if column is None:
        return _l("sheet %(sheet)s, row %(row)s", sheet=sheet, row=row)
    return _l(
        "sheet %(sheet)s, row %(row)s, column %(column)s", sheet=sheet, row=row, column=column
    )


def read_xlsform(path, content=None):
    """Read an XLSForm file and return a valid definition; raise ``XLSFormError``."""
    source = Path(str(path)).name
    try:
        sheets = read_sheets(path, content)
    except UnreadableFile as error:
        raise XLSFormError([Problem(_l("(file)"), error.reason)], source) from None
    converter = _Converter(sheets, Path(str(path)).stem)
    data = converter.convert()
    if not converter.problems:
        converter.problems = [converter.locate(p) for p in validate(data)]
    if converter.problems:
        unique = {str(p): p for p in converter.problems}  # a list used twice, once
        raise XLSFormError(list(unique.values()), source)
    return data


@dataclass
class _Column:
    header: str
    name: str  # canonical: label, hint, type, ...
    language: str | None = None  # "en" / "es" for translated columns
    unsupported_language: bool = False


def language_of(label):
    """ "English (en)", "english", "EN", "Español (es)" -> "en"/"es"; None if neither."""
    code = re.search(r"\(\s*([A-Za-z]{2,3})(?:[-_][A-Za-z]+)?\s*\)\s*$", label)
    if code:
        return {"en": "en", "eng": "en", "es": "es", "spa": "es"}.get(code.group(1).lower())
    return {
        "en": "en",
        "eng": "en",
        "english": "en",
        "ingles": "en",
        "es": "es",
        "spa": "es",
        "spanish": "es",
        "espanol": "es",
        "castellano": "es",
    }.get(fold(label).strip())


def parse_header(header):
    raw = header.strip()
    lowered = raw.lower()
    if lowered in ALIASES:
        return _Column(header, ALIASES[lowered])
    base, sep, rest = raw.partition("::")
    if not sep:
        base, sep, rest = raw.partition(":")
    base = base.strip().lower()
    base = ALIASES.get(base, base)
    if not sep:
        return _Column(header, base)
    if base in TRANSLATABLE or base.startswith("voces_"):
        language = language_of(rest)
        return _Column(header, base, language, unsupported_language=language is None)
    return _Column(header, base)


class _Converter:
    def __init__(self, sheets, stem):
        self.sheets = sheets
        self.stem = stem
        self.problems = []
        self.origin = {}  # definition path -> (sheet, row)
        self.default_language = None
        self.languages = ["en"]
        self.refused = set()
        self.kinds = {}  # question key -> type, in sheet order

    def add(self, reason, sheet, row=None, column=None):
        self.problems.append(Problem(where(sheet, row, column), reason))

    def refuse_type(self, reason, row):
        """Refuse the question on ``row`` because of its type; returns ``None``."""
        self.add(reason, "survey", row.number, "type")

    # ---- sheets and columns -------------------------------------------------

    def convert(self):
        survey = self.sheets.get("survey")
        if survey is None:
            self.problems.append(Problem(_l("(file)"), _l("an XLSForm needs a sheet named survey")))
            return {}
        for name in ("external_choices", "entities", "osm"):
            if self.sheets.get(name):
                self.add(_l("the %(sheet)s sheet is not supported", sheet=name), name)
        settings = self.settings()
        self.choices = self.choice_lists()
        self.pick_languages()
        sections = self.survey_rows(survey, settings)
        return self.survey_fields(settings, sections)

    def columns(self, sheet, rows):
        """Canonical columns of a sheet; refuse languages other than en/es."""
        headers = {h for row in rows for h in row.cells}
        parsed = {}
        for header in sorted(headers):
            if header.startswith("_"):
                continue  # pyxform treats such columns as comments
            column = parse_header(header)
            if column.unsupported_language:
                self.add(NOT_EN_ES, sheet, getattr(rows, "header_row", 1), header)
                continue
            parsed[header] = column
        return parsed

    def settings(self):
        rows = self.sheets.get("settings") or []
        columns = self.columns("settings", rows)
        values = {}
        self.settings_row = rows[0].number if rows else 2
        for header, text in rows[0].cells.items() if rows else ():
            column = columns.get(header)
            if column is not None:
                key = column.name + (f"::{column.language}" if column.language else "")
                values[key] = text
        chosen = values.get("default_language")
        if chosen:
            self.default_language = language_of(chosen)
            if self.default_language is None:
                self.add(NOT_EN_ES, "settings", rows[0].number, "default_language")
        return values

    def cells(self, sheet, row, columns):
        """``{name: text}`` and ``{name: {lang: text}}`` for one row."""
        plain, texts = {}, {}
        fallback = self.default_language or "en"
        for header, value in row.cells.items():
            column = columns.get(header)
            if column is None:
                continue
            if column.name in ("readonly", "read_only") and value.lower() in FALSE:
                continue  # "read_only: no" asks nothing
            if column.name in REFUSED_COLUMNS:
                if sheet == "survey" and header in self.refused:
                    continue  # once per column is enough to say what to change
                self.refused.add(header)
                self.add(
                    _l("%(feature)s are not supported", feature=REFUSED_COLUMNS[column.name]),
                    sheet,
                    row.number,
                    header,
                )
            elif column.language:
                texts.setdefault(column.name, {})[column.language] = value
            elif column.name in TRANSLATABLE:
                texts.setdefault(column.name, {}).setdefault(f"_{fallback}", value)
            else:
                plain[column.name] = value
            if _calls_pulldata(value) and not (column.language or column.name in TRANSLATABLE):
                self.add(_l("pulldata() is not supported"), sheet, row.number, header)
        return plain, {name: self.resolve(t) for name, t in texts.items()}

    def resolve(self, texts):
        """A plain column fills its language only where no translated column did."""
        resolved = {k: v for k, v in texts.items() if not k.startswith("_")}
        for key, value in texts.items():
            if key.startswith("_"):
                resolved.setdefault(key[1:], value)
        return resolved

    def pick_languages(self):
        found = set()
        for sheet in ("survey", "choices"):
            rows = self.sheets.get(sheet) or []
            for column in self.columns_quiet(rows).values():
                if column.name != "label":
                    continue
                if column.language:
                    found.add(column.language)
                else:
                    found.add(self.default_language or "en")
        self.languages = [lang for lang in ("en", "es") if lang in found] or ["en"]

    def columns_quiet(self, rows):
        headers = {h for row in rows for h in row.cells if not h.startswith("_")}
        return {h: parse_header(h) for h in headers}

    # ---- choices ------------------------------------------------------------

    def choice_lists(self):
        """``{list name: [(row, choice)]}``. A list's problems count only once a
        question uses it, as pyxform ignores lists nobody selects from."""
        rows = self.sheets.get("choices") or []
        columns = self.columns("choices", rows)
        lists, self.choice_problems = {}, {}
        for row in rows:
            before = len(self.problems)
            plain, texts = self.cells("choices", row, columns)
            list_name = plain.get("list_name", "")
            if "name" not in plain:
                self.add(_l("every choice needs a name"), "choices", row.number, "name")
            deferred = self.problems[before:]
            del self.problems[before:]
            if not list_name:
                continue
            self.choice_problems.setdefault(list_name, []).extend(deferred)
            choice = {"key": names.key(plain.get("name", "")), "label": texts.get("label", {})}
            lists.setdefault(list_name, []).append((row.number, choice))
        return lists

    # ---- survey rows --------------------------------------------------------

    def survey_rows(self, rows, settings):
        columns = self.columns("survey", rows)
        sections, group, loose = [], None, None
        for row in rows:
            plain, texts = self.cells("survey", row, columns)
            kind = " ".join(plain.get("type", "").lower().split())
            if not kind:
                if plain.get("name") or texts.get("label"):
                    self.add(_l("this row has no type"), "survey", row.number, "type")
                continue
            if kind in ("begin group", "begin_group"):
                if group is not None:
                    self.add(
                        _l("groups inside groups are not supported"), "survey", row.number, "type"
                    )
                    continue
                group = self.section(row, plain, texts, len(sections))
                sections.append(group)
                loose = None
            elif kind in ("end group", "end_group"):
                group = None
            elif kind in METADATA or kind.startswith("uri:"):
                continue
            else:
                question = self.question(row, plain, texts, kind)
                if question is None:
                    continue
                target = group or loose
                if target is None:
                    loose = target = self.loose_section(settings, len(sections), row)
                    sections.append(loose)
                index = sections.index(target)
                path = f"sections[{index}].questions[{len(target['questions'])}]"
                self.origin[path] = ("survey", row.number)
                for position, choice_row in enumerate(question.pop("_choice_rows", [])):
                    self.origin[f"{path}.choices[{position}]"] = ("choices", choice_row)
                target["questions"].append(question)
                self.kinds[question["key"]] = question["type"]
        return sections

    def section(self, row, plain, texts, index):
        self.appearance(plain, row)
        if plain.get("relevant"):
            self.add(
                _l("conditions on a whole group are not supported: put them on its questions"),
                "survey",
                row.number,
                "relevant",
            )
        self.origin[f"sections[{index}]"] = ("survey", row.number)
        section = {}
        key = names.section_key(plain.get("name", ""), index)
        if key:
            section["key"] = key
        section["title"] = texts.get("label") or {}
        if texts.get("hint"):
            section["description"] = texts["hint"]
        section["questions"] = []
        return section

    def loose_section(self, settings, index, row):
        """Questions outside any group share a page titled like the form."""
        self.origin[f"sections[{index}]"] = ("survey", row.number)
        return {"title": self.title(settings), "questions": []}

    def question(self, row, plain, texts, kind):
        for pattern, feature in REFUSED_TYPES:
            if re.search(pattern, kind):
                self.add(
                    _l(
                        "%(feature)s are not supported (type '%(type)s')",
                        feature=feature,
                        type=kind,
                    ),
                    "survey",
                    row.number,
                    "type",
                )
                return None
        question = self.question_type(row, plain, texts, kind)
        if question is None:
            return None
        self.appearance(plain, row)
        if plain.get("parameters") and question["type"] != "rating":
            self.add(
                _l("parameters are supported on range questions only (start, end, step)"),
                "survey",
                row.number,
                "parameters",
            )
        key = names.key(plain.get("name", ""), prefix="q")
        if not key:
            self.add(_l("every question needs a name"), "survey", row.number, "name")
        question = {"key": key, **question}
        question["text"] = texts.get("label") or {}
        if texts.get("hint"):
            question["help"] = texts["hint"]
        message = self.message(texts, row)
        if message:
            question["message"] = message
        required = plain.get("required", "").lower()
        if required in TRUE:
            question["required"] = True
        elif required:
            question["required"] = False
        if required and required not in TRUE | FALSE:
            self.add(
                _l("only yes or no is supported here, not a condition"),
                "survey",
                row.number,
                "required",
            )
        if plain.get("relevant"):
            condition = self.condition(plain["relevant"], row)
            if condition:
                question["show_if"] = condition
        if plain.get("constraint"):
            self.constraint(question, plain["constraint"], row)
        return question

    def message(self, texts, row):
        """Voces has one message per question, for a missing or a wrong answer alike."""
        constraint, required = texts.get("constraint_message"), texts.get("required_message")
        if constraint and required and constraint != required:
            self.add(
                _l(
                    "a required_message beside a different constraint_message is not "
                    "supported: Voces shows one message per question"
                ),
                "survey",
                row.number,
                "required_message",
            )
        return constraint or required

    def appearance(self, plain, row):
        """Refuse appearances that change what a question asks or which answers it takes."""
        for appearance in plain.get("appearance", "").lower().split():
            if PRESENTATIONAL.match(appearance):
                continue
            if appearance.startswith("search"):
                reason = _l("choices searched from an external file (search()) are not supported")
            else:
                reason = _l(
                    "the appearance '%(appearance)s' is not supported", appearance=appearance
                )
            self.add(reason, "survey", row.number, "appearance")

    def question_type(self, row, plain, texts, kind):
        appearance = plain.get("appearance", "").lower().split()
        if kind in ("text", "string"):
            return {"type": "long_text" if "multiline" in appearance else "short_text"}
        if kind in ("integer", "int"):
            return {"type": "number"}
        if kind == "decimal":
            return {"type": "number", "decimals": True}
        if kind == "note":
            return {"type": "note"}
        if kind == "range":
            return self.rating(row, plain, texts)
        select = re.match(
            r"^(select_one|select one from|select_multiple|select all that apply from|"
            r"select multiple from)\s+(\S+)(\s+or_other|\s+or specify other)?$",
            kind,
        )
        if select is None:
            return self.refuse_type(
                _l("the question type '%(type)s' is not supported", type=kind),
                row,
            )
        return self.select(row, select.group(1), select.group(2), bool(select.group(3)))

    def select(self, row, how, list_name, other):
        single = how.startswith("select_one") or how.startswith("select one")
        if list_name == names.YES_NO_LIST and single:
            return {"type": "yes_no"}
        original = next((n for n in self.choices if n.lower() == list_name), None)
        if original is None:
            return self.refuse_type(
                _l("the choice list '%(name)s' is not on the choices sheet", name=list_name),
                row,
            )
        if other and single:
            return self.refuse_type(
                _l("'or other' is supported on select_multiple questions only"),
                row,
            )
        entries = self.choices[original]
        self.problems.extend(self.choice_problems.pop(original, []))
        question = {"type": "single_choice" if single else "multiple_choice"}
        question["choices"] = [dict(choice) for _number, choice in entries]
        question["_choice_rows"] = [number for number, _choice in entries]
        if other:
            question["other"] = True
        return question

    def rating(self, row, plain, texts):
        params = dict(re.findall(r"(\w+)\s*=\s*(\S+)", plain.get("parameters", "")))
        try:
            low, high = int(params.get("start", "0")), int(params.get("end", "10"))
            step = int(params.get("step", "1"))
        except ValueError:
            step = 0
        if step != 1 or not (texts.get("voces_min_label") and texts.get("voces_max_label")):
            self.add(
                _l(
                    "range questions are supported only as whole-number scales with step 1 "
                    "and labelled ends (voces_min_label, voces_max_label)"
                ),
                "survey",
                row.number,
                "parameters",
            )
            return None
        scale = {
            "min": low,
            "max": high,
            "min_label": texts["voces_min_label"],
            "max_label": texts["voces_max_label"],
        }
        return {"type": "rating", "scale": scale}

    # ---- expressions --------------------------------------------------------

    def condition(self, expression, row):
        """``${q} = 'x'``, ``selected(${q}, 'x')`` (joined by ``or``), ``${q} != ''``."""
        text = expression.strip()
        answered = re.fullmatch(r"\$\{([\w.-]+)\}\s*(!=|=)\s*(''|\"\")", text)
        if answered:
            return {
                "question": names.key(answered.group(1), prefix="q"),
                "answered": answered.group(2) == "!=",
            }
        comparisons = _comparisons(text)
        if comparisons is None:
            self.add(
                _l(
                    "only simple conditions on one earlier question are supported: "
                    "${q} = 'x', selected(${q}, 'x') joined by or, or ${q} != ''"
                ),
                "survey",
                row.number,
                "relevant",
            )
            return None
        targets = {target for target, _value in comparisons}
        if len(targets) != 1:
            self.add(
                _l("a condition may test one earlier question only"),
                "survey",
                row.number,
                "relevant",
            )
            return None
        question = names.key(targets.pop(), prefix="q")
        values = [value for _target, value in comparisons]
        if self.kinds.get(question) in ("single_choice", "multiple_choice"):
            # Choice names were made into keys: the condition must follow them.
            values = [names.key(str(v)) for v in values]
        if len(values) == 1:
            return {"question": question, "equals": values[0]}
        # "a or a" is how a one_of with one answer is written: list it once
        # (by how it is written, so that 3 and 3.0 stay two answers).
        return {"question": question, "one_of": list({repr(v): v for v in values}.values())}

    def constraint(self, question, expression, row):
        text = " ".join(expression.split())
        length = re.fullmatch(r"string-length\(\s*\.\s*\)\s*<=\s*(\d+)", text)
        if length and question["type"] in ("short_text", "long_text"):
            question["max_length"] = int(length.group(1))
            return
        if question["type"] == "number":
            bounds = {}
            for part in re.split(r"\s+and\s+", text):
                part = part.strip().strip("()").strip()
                match = re.fullmatch(rf"\.\s*(>=|<=)\s*({NUMBER})", part)
                if match is None or match.group(1) in bounds:
                    bounds = None
                    break
                bounds[match.group(1)] = _number(match.group(2))
            if bounds:
                for op, name in ((">=", "min"), ("<=", "max")):
                    if op in bounds:
                        question[name] = bounds[op]
                return
        self.add(
            _l(
                "only number ranges (. >= 0 and . <= 10) and text lengths "
                "(string-length(.) <= 200) are supported"
            ),
            "survey",
            row.number,
            "constraint",
        )

    # ---- survey-level fields ------------------------------------------------

    def title(self, settings):
        texts = {
            lang: settings[f"voces_title::{lang}"]
            for lang in self.languages
            if settings.get(f"voces_title::{lang}")
        }
        fallback = (
            settings.get("form_title")
            or settings.get("title")
            or settings.get("form_id")
            or self.stem
        )
        return {lang: texts.get(lang, fallback) for lang in self.languages}

    def texts_setting(self, settings, name, default):
        texts = {}
        for lang in self.languages:
            value = settings.get(f"voces_{name}::{lang}")
            if value:
                texts[lang] = value
            elif default is not None:
                with force_locale(lang):
                    texts[lang] = default()
        return texts

    def survey_fields(self, settings, sections):
        data = {
            "slug": names.slug(settings.get("form_id") or settings.get("id_string") or self.stem)
        }
        listed = settings.get("voces_languages", "").split()
        if listed:
            data["languages"] = listed
        elif self.languages != ["en", "es"]:
            data["languages"] = self.languages
        if listed:
            self.languages = listed
        data["title"] = self.title(settings)
        data["intro"] = self.texts_setting(settings, "intro", default_intro)
        data["consent"] = self.texts_setting(settings, "consent", default_consent)
        thank_you = self.texts_setting(settings, "thank_you", None)
        if thank_you:
            data["thank_you"] = thank_you
        if settings.get("voces_role_question"):
            data["role_question"] = settings["voces_role_question"]
        communities = self.communities()
        if communities:
            data["communities"] = communities
        data["sections"] = sections
        if not sections and not self.problems:
            self.add(_l("the survey sheet has no questions Voces can show"), "survey")
        return data

    def communities(self):
        rows = self.sheets.get("voces_communities") or []
        columns = self.columns("voces_communities", rows)
        found = []
        for row in rows:
            plain, texts = self.cells("voces_communities", row, columns)
            if plain.get("name"):
                self.origin[f"communities[{len(found)}]"] = ("voces_communities", row.number)
                found.append({"slug": plain["name"], "name": texts.get("label", {})})
        return found

    # ---- validator problems back to cells -----------------------------------

    def locate(self, problem):
        """Name the sheet, row and column a validator problem comes from."""
        path = problem.path
        prefix = path
        while prefix and prefix not in self.origin:
            prefix = prefix.rpartition(".")[0]
        if not prefix:
            return Problem(where("settings", self.settings_row, _setting(path)), problem.reason)
        sheet, row = self.origin[prefix]
        rest = path[len(prefix) :].lstrip(".").split(".")
        column = _COLUMN_OF.get(rest[0], rest[0]) if rest[0] else None
        if column in _TRANSLATED and len(rest) > 1:
            column = f"{column}::{names.LANGUAGE_NAMES.get(rest[1], rest[1])}"
        return Problem(where(sheet, row, column), problem.reason)


def _setting(path):
    """The settings column a survey-level path comes from: title.es -> voces_title::Español (es)."""
    name, _dot, language = path.partition(".")
    column = {"slug": "form_id", "languages": "voces_languages"}.get(name, f"voces_{name}")
    if language in names.LANGUAGE_NAMES:
        column = f"{column}::{names.LANGUAGE_NAMES[language]}"
    return column


_COLUMN_OF = {
    "text": "label",
    "title": "label",
    "label": "label",
    "help": "hint",
    "description": "hint",
    "message": "constraint_message",
    "key": "name",
    "slug": "name",
    "name": "label",
    "show_if": "relevant",
    "min": "constraint",
    "max": "constraint",
    "max_length": "constraint",
    "required": "required",
    "type": "type",
    "questions": "type",
    "choices": "type",
    "other": "type",
    "scale": "parameters",
}
_TRANSLATED = {"label", "hint", "constraint_message"}


def default_intro():  # called once in each language
    return gettext("Thank you for taking a few minutes to answer these questions.")


def default_consent():
    return gettext(
        "Taking part is your choice. You may skip any question that is not required, "
        "and stop at any time."
    )


def _calls_pulldata(expression):
    """pulldata() in an expression; not in a label's words, nor in a quoted answer."""
    return "pulldata(" in re.sub(r"'[^']*'|\"[^\"]*\"", "", expression)


def _number(text):
    return float(text) if "." in text else int(text)


_COMPARISON = re.compile(
    r"\s*(?:\(\s*)*"
    r"(?:\$\{(?P<a>[\w.-]+)\}\s*=\s*|selected\(\s*\$\{(?P<b>[\w.-]+)\}\s*,\s*)"
    rf"(?:'(?P<single>[^']*)'|\"(?P<double>[^\"]*)\"|(?P<number>{NUMBER}))"
    r"(?(b)\s*\))(?:\s*\))*\s*"
)
_OR = re.compile(r"or\b\s*")


def _comparisons(text):
    """``[(question, value)]`` for comparisons joined by ``or``; None for anything else.

    Read left to right so that an ``or`` inside a quoted answer stays in it.
    """
    found, position = [], 0
    while True:
        match = _COMPARISON.match(text, position)
        if match is None:
            return None
        target = match.group("a") or match.group("b")
        quoted = match.group("single")
        if quoted is None:
            quoted = match.group("double")
        found.append((target, quoted if quoted is not None else _number(match.group("number"))))
        position = match.end()
        if position == len(text):
            return found
        joiner = _OR.match(text, position)
        if joiner is None:
            return None
        position = joiner.end()


__all__ = ["XLSFormError", "read_xlsform"]
