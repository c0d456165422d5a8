"""The codebook editor: each seeded theme's names and keywords, English and Spanish side by side."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, StringField
from wtforms.validators import Length, ValidationError

from .base import HtmlForm

NEW_ROWS = 2


def _text(field):
    return (field.data or "").strip()


def keywords(field):
    return [word.strip() for word in (field.data or "").split(",") if word.strip()]


class CodeForm(Form):
    key = HiddenField()
    name_en = StringField(_l("Name in English"), [Length(max=120)], render_kw={"lang": "en"})
    name_es = StringField(_l("Name in Spanish"), [Length(max=120)], render_kw={"lang": "es"})
    keywords_en = StringField(
        _l("Keywords in English, separated by commas"), [Length(max=1000)], render_kw={"lang": "en"}
    )
    keywords_es = StringField(
        _l("Keywords in Spanish, separated by commas"), [Length(max=1000)], render_kw={"lang": "es"}
    )
    remove = BooleanField(_l("Remove this theme"))

    @property
    def is_blank(self):
        return not (
            self.key.data
            or any(
                _text(f) for f in (self.name_en, self.name_es, self.keywords_en, self.keywords_es)
            )
        )

    def validate_name_en(self, field):
        self._required(field, _("Please name this theme in English and in Spanish."))

    def validate_name_es(self, field):
        self._required(field, _("Please name this theme in English and in Spanish."))

    def validate_keywords_en(self, field):
        self._required(field, _("Please give at least one keyword in each language."))

    def validate_keywords_es(self, field):
        self._required(field, _("Please give at least one keyword in each language."))

    def _required(self, field, message):
        if not self.remove.data and not self.is_blank and not _text(field):
            raise ValidationError(message)


class CodebookForm(HtmlForm):
    themes = FieldList(FormField(CodeForm))

    def rows(self):
        return [
            {
                "key": row.key.data or None,
                "names": {"en": _text(row.name_en), "es": _text(row.name_es)},
                "keywords": {"en": keywords(row.keywords_en), "es": keywords(row.keywords_es)},
            }
            for row in (entry.form for entry in self.themes)
            if not row.remove.data and not row.is_blank
        ]


def build_codebook_form(themes):
    count = len(themes) + NEW_ROWS  # a class body cannot see the argument it shadows

    class Codebook(CodebookForm):
        themes = FieldList(FormField(CodeForm), min_entries=count)

    rows = [
        {
            "key": t["key"],
            "name_en": t["names"].get("en", ""),
            "name_es": t["names"].get("es", ""),
            "keywords_en": ", ".join(t["keywords"].get("en", [])),
            "keywords_es": ", ".join(t["keywords"].get("es", [])),
        }
        for t in themes
    ]
    return Codebook(data={"themes": rows})
