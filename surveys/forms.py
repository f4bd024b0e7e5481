from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import UploadLimits
from participation.models import Person


class InvitationImportForm(forms.Form):
    file = forms.FileField(
        validators=[UploadLimits()],
        label=_("File with invitees (CSV or XLSX)"),
        help_text=_(
            "First row: column names. Needed: email. Optional: name, organisation, language, "
            "target_group (code); further columns are kept as attributes."
        ),
    )


class InvitationPeopleForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("People from the directory"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, process=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = (
            Person.objects.filter(processes=process, erased_at__isnull=True)
            .exclude(email="")
            .select_related("organisation")
        )
        self.fields["people"].label_from_instance = lambda p: (
            f"{p.display_name} ({p.organisation})" if p.organisation_id else p.display_name
        )
