"""Form fields of the pages that follow the text rule of `core.text` (the API's fields follow it too)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from core.text import REFUSED_CODE, REFUSED_MESSAGE, has_refused_characters, normalise_text, text_validator


class TextMixin:
    """Normalised (NFC, trimmed) and without control or invisible characters."""

    multiline = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Empty values never reach the validators: a required field says so by itself.
        self.validators.append(text_validator(multiline=self.multiline))

    def to_python(self, value):
        if isinstance(value, str) and has_refused_characters(value, multiline=self.multiline):
            raise ValidationError(REFUSED_MESSAGE, code=REFUSED_CODE)  # before trimming hides it
        value = super().to_python(value)
        return normalise_text(value, multiline=self.multiline) if isinstance(value, str) else value


class CharField(TextMixin, forms.CharField):
    """A name or a one-line text."""


class MultilineCharField(TextMixin, forms.CharField):
    """A text of several lines (allergies, notes, an address)."""

    multiline = True


def text_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """A ModelForm's `formfield_callback`: the model's text columns get the fields above; choices, e-mail
    addresses and every other column keep Django's own."""
    if not db_field.choices:
        if type(db_field) is models.CharField:
            kwargs.setdefault("form_class", CharField)
        elif type(db_field) is models.TextField:
            kwargs.setdefault("form_class", MultilineCharField)
    return db_field.formfield(**kwargs)
