"""The base of every project form, and how a service's errors reach a form.

Every project form subclasses ``Form`` (or puts ``TextInputMixin`` in front of a Django form it extends, as the login
form does): each of its ``CharField``\\s refuses C0 control characters with one translated message on the field
(``core/text.py``); a ``Textarea`` field lets tab and line breaks through. ``yizhan/tests/test_input_contract.py``
walks every project form and fails for one that does not.
"""

from django import forms
from django.core.exceptions import ValidationError

from .text import ControlCharacterValidator


def refuses_control_characters(field: forms.Field) -> None:
    """Give a text field the control-character validator that fits its widget (once)."""
    if not isinstance(field, forms.CharField):
        return
    if any(isinstance(validator, ControlCharacterValidator) for validator in field.validators):
        return
    field.validators.append(ControlCharacterValidator(multiline=isinstance(field.widget, forms.Textarea)))


class TextInputMixin:
    """Put in front of a Django form class: every text field refuses control characters.

    The validators are added when the form is cleaned, to the form's own copies of its fields, so fields a form adds
    in ``__init__`` are covered too.
    """

    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        for field in self.fields.values():
            refuses_control_characters(field)
        super().full_clean()  # type: ignore[misc]  # the Django form this mixin is put in front of


class Form(TextInputMixin, forms.Form):
    """The base of every project form."""


def add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
