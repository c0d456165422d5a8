"""Answer fields whose messages come from our catalog, in the family's language.

WTForms' stock fields raise their own English-first messages ("Not a valid
choice"); these fields raise the plain, translated sentences families see.
"""

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


class RequiredAnswer:
    """Like InputRequired, with the question's own message when it has one."""

    field_flags = {"required": True}

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        data = field.data
        empty = data is None or data == "" or data == []
        if empty and field.errors:
            raise StopValidation()  # the value could not be read; that message says more
        if empty:
            raise StopValidation(self.message or _("Please answer this question."))


class ChoiceAnswerField(RadioField):
    def pre_validate(self, form):
        if self.data is None:
            return  # an empty answer is judged by RequiredAnswer
        if not any(self.data == choice.value for choice in self.choices):
            raise ValidationError(_("Please choose one of the options shown."))

    def process_formdata(self, valuelist):
        values = [v for v in valuelist if v != ""]
        if len(values) > 1:
            self.data = None
            raise ValueError(_("Please choose only one answer."))
        if values:
            try:
                self.data = self.coerce(values[0])
            except (ValueError, TypeError):
                self.data = None
                raise ValueError(_("Please choose one of the options shown.")) from None


class MultiChoiceAnswerField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        allowed = {choice.value for choice in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(_("Please choose from the options shown."))


class NumberAnswerField(Field):
    """A number typed as text, so a phone shows the numeric keypad."""

    def __init__(
        self, label=None, validators=None, minimum=None, maximum=None, decimals=False, **kwargs
    ):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum, self.decimals = minimum, maximum, decimals
        self.raw = ""

    def _value(self):
        return self.raw

    def process_formdata(self, valuelist):
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not self.raw:
            return
        text = self.raw.replace(",", ".") if self.decimals else self.raw
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(_("Please write a number, using digits."))
        if not self.decimals and number != number.to_integral_value():
            raise ValueError(_("Please write a whole number, like 3."))
        self.data = float(number) if self.decimals else int(number)

    def pre_validate(self, form):
        if self.data is None:
            return
        low, high = self.minimum, self.maximum
        if low is not None and high is not None and not low <= self.data <= high:
            raise ValidationError(
                _("Please write a number from %(min)s to %(max)s.", min=low, max=high)
            )
        if low is not None and self.data < low:
            raise ValidationError(_("Please write a number of at least %(min)s.", min=low))
        if high is not None and self.data > high:
            raise ValidationError(_("Please write a number of at most %(max)s.", max=high))


class TextAnswerMixin:
    """Strips the text and refuses more than ``max_length`` characters, keeping it all."""

    def __init__(self, *args, max_length, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_length = max_length

    def process_formdata(self, valuelist):
        self.data = valuelist[0].strip() if valuelist else ""

    def pre_validate(self, form):
        if len(self.data or "") > self.max_length:
            raise ValidationError(
                _(
                    "Please shorten your answer to %(max)s characters or fewer "
                    "(it has %(count)s now). Your text is still here.",
                    max=self.max_length,
                    count=len(self.data),
                )
            )


class ShortTextAnswerField(TextAnswerMixin, StringField):
    pass


class LongTextAnswerField(TextAnswerMixin, TextAreaField):
    pass
