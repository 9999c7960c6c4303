from django import forms

from floor.accounts.models import Profile


class LanguageForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["language"]
        widgets = {"language": forms.RadioSelect}
