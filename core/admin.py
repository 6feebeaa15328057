"""What the apps' Django admin pages share (core registers no model of its own)."""

from django.db import models

from core.forms import TextMixin, text_formfield


class TextRuleAdminMixin:
    """A ModelAdmin whose names and free texts follow the text rule of the pages' forms (`core.forms`):
    control and invisible characters refused with its message, the rest stored trimmed and in NFC.

    The admin builds its forms with a formfield callback of its own (`formfield_for_dbfield`, which picks
    its widgets), so a ModelForm's `formfield_callback = text_formfield` never reaches it: the field class
    is chosen here, as `text_formfield` chooses it, and the admin keeps its widgets."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.CharField | models.TextField):
            # text_formfield knows which text columns follow the rule (not choices, e-mail addresses, URLs).
            field_class = type(text_formfield(db_field))
            if issubclass(field_class, TextMixin):
                kwargs.setdefault("form_class", field_class)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
