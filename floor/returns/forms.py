"""The supervisor's table of return grades: one row per grade, and an empty row to add one."""

import re

from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import Max
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from floor.returns import grading
from floor.returns.models import Disposition, ReturnGrade

_CODE = re.compile(r"^[A-Z0-9]{1,4}$")


class GradeForm(forms.ModelForm):
    class Meta:
        model = ReturnGrade
        fields = ["code", "words", "disposition", "position", "active"]
        help_texts = {"code": gettext_lazy("1 to 4 letters or digits, such as C or C2.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Items keep the code they were graded with: a grade's code never changes.
            self.fields["code"].disabled = True
            self.fields["disposition"].choices = Disposition.choices
        else:
            self.fields["disposition"].choices = [("", _("Choose where it goes")), *Disposition.choices]
        self.fields["position"].validators.append(MaxValueValidator(999))
        self.fields["position"].widget.attrs.update(min=0, max=999)

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not _CODE.match(code):
            raise forms.ValidationError(_("A code is 1 to 4 letters or digits, such as C or C2."))
        return code

    def clean_words(self):
        return " ".join(self.cleaned_data["words"].split())  # one line on the button


class BaseGradeFormSet(BaseModelFormSet):
    def __init__(self, *args, warehouse, **kwargs):
        self.warehouse = warehouse
        rows = ReturnGrade.objects.filter(warehouse=warehouse)
        last = rows.aggregate(last=Max("position"))["last"] or 0
        super().__init__(*args, queryset=rows, initial=[{"position": last + 1}], **kwargs)

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [form for form in self.forms if form.instance.pk or form.has_changed()]
        deleted = [form for form in kept if self._should_delete_form(form)]
        used = grading.used_codes(self.warehouse) if deleted else set()
        given = sorted(form.instance.code for form in deleted if form.instance.code in used)
        if given:
            raise forms.ValidationError(
                _("%(codes)s has been given to items: take it out of use instead of deleting it.")
                % {"codes": ", ".join(given)}
            )
        existing = {row.code for row in self.get_queryset()}
        new = [form.cleaned_data["code"] for form in kept if not form.instance.pk and form not in deleted]
        taken = sorted({code for code in new if code in existing or new.count(code) > 1})
        if taken:
            raise forms.ValidationError(
                _("There is a grade %(codes)s already: give the new one a code of its own.")
                % {"codes": ", ".join(taken)}
            )
        if not any(form.cleaned_data.get("active") for form in kept if form not in deleted):
            raise forms.ValidationError(_("Keep at least one grade in use: inspectors need a button to tap."))


GradeFormSet = modelformset_factory(ReturnGrade, form=GradeForm, formset=BaseGradeFormSet, extra=1, can_delete=True)
