"""Forms of the documents pages: shape only, the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amanat.core.permissions import units_for
from amanat.documents.choices import DocumentKind
from amanat.documents.permissions import DocumentAction
from amanat.org.forms.people import style_form
from amanat.org.models import OrgUnit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    org_unit = forms.ModelChoiceField(label=_("Adopted by"), queryset=OrgUnit.objects.none())
    number = forms.CharField(label=_("Number"), max_length=50, required=False)
    adopted_on = forms.DateField(label=_("Date adopted"), widget=DATE)
    title_kk = forms.CharField(label=_("Title (kk)"), max_length=500, required=False)
    title_ru = forms.CharField(label=_("Title (ru)"), max_length=500, required=False)
    title_en = forms.CharField(label=_("Title (en)"), max_length=500, required=False)
    summary_kk = forms.CharField(label=_("Summary (kk)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    summary_ru = forms.CharField(label=_("Summary (ru)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    is_public = forms.BooleanField(label=_("Publish on the public site"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_for(user, DocumentAction.MANAGE).order_by("path")
        style_form(self)


class VersionForm(forms.Form):
    dated_on = forms.DateField(label=_("Date of the version"), widget=DATE)
    file_kk = forms.FileField(label=_("File in Kazakh (PDF or DOCX)"), required=False)
    file_ru = forms.FileField(label=_("File in Russian (PDF or DOCX)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)
