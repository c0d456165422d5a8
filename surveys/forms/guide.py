"""The facilitation guide editor: every prompt in English and Spanish, side by side."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, TextAreaField
from wtforms.validators import NumberRange, Optional, ValidationError
from wtforms.widgets import NumberInput

from .base import HtmlForm
from .focus_groups import MaxLength, WholeNumberField

NEW_PROMPT_ROWS = 2
PROMPT_MAX = 1000
LAST = 10_000  # rows without a position go after the others


def _text(field):
    return (field.data or "").strip()


class PromptForm(Form):
    key = HiddenField()
    position = WholeNumberField(
        _l("Position"),
        [Optional(), NumberRange(1, 99, _l("Please write a number from %(min)s to %(max)s."))],
        widget=NumberInput(step=1, min=1, max=99),
        render_kw={"class": "short"},
    )
    en = TextAreaField(
        _l("English"),
        [MaxLength(PROMPT_MAX)],
        render_kw={"rows": 4, "lang": "en"},
    )
    es = TextAreaField(
        _l("Spanish"),
        [MaxLength(PROMPT_MAX)],
        render_kw={"rows": 4, "lang": "es"},
    )
    remove = BooleanField(_l("Remove this prompt"))

    @property
    def is_blank(self):
        """A new row left empty: ignored, not an error."""
        return not (self.key.data or _text(self.en) or _text(self.es))

    def validate_en(self, field):
        self._both_languages(field)

    def validate_es(self, field):
        self._both_languages(field)

    def _both_languages(self, field):
        if not self.remove.data and not self.is_blank and not _text(field):
            raise ValidationError(
                _("Please write this prompt in both English and Spanish, or remove it.")
            )


class GuideForm(HtmlForm):
    prompts = FieldList(FormField(PromptForm))

    def ordered_prompts(self):
        """The prompts kept, in the order of their positions: ``[{"key", "text"}]``."""
        kept = [
            (entry.form.position.data or LAST, index, entry.form)
            for index, entry in enumerate(self.prompts)
            if not entry.form.remove.data and not entry.form.is_blank
        ]
        return [
            {
                "key": row.key.data or None,
                "text": {"en": _text(row.en), "es": _text(row.es)},
            }
            for _position, _index, row in sorted(kept, key=lambda item: item[:2])
        ]


def build_guide_form(prompts):
    """One row per prompt, numbered in order, and a few empty rows to add new ones."""

    count = len(prompts) + NEW_PROMPT_ROWS

    class Guide(GuideForm):
        prompts = FieldList(FormField(PromptForm), min_entries=count)

    rows = [
        {
            "key": p["key"],
            "position": n,
            "en": p["text"].get("en", ""),
            "es": p["text"].get("es", ""),
        }
        for n, p in enumerate(prompts, start=1)
    ]
    return Guide(data={"prompts": rows})
