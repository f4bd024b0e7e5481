"""The Statement list page with filters, and its CSV/XLSX export."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import download
from core.views import form_page, paginate, require_perm

from .. import services
from ..models import FieldOfAction, Statement, TargetGroup
from ..selectors import process_list
from ..sources import source_url
from .selectors import source_type_choices, statement_export_rows, statement_list


class StatementFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    process = forms.ModelChoiceField(label=gettext_lazy("Process"), queryset=None, required=False)
    source_type = forms.ChoiceField(label=gettext_lazy("Source type"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    field_of_action = forms.ModelChoiceField(
        label=gettext_lazy("Field of action"), queryset=FieldOfAction.objects.all(), required=False
    )
    target_group = forms.ModelChoiceField(
        label=gettext_lazy("Target group"), queryset=TargetGroup.objects.all(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].queryset = process_list(user=user)
        self.fields["source_type"].choices = [("", _("all"))] + source_type_choices()
        self.fields["kind"].choices = [("", _("all"))] + list(Statement.Kind.choices)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "search": data.get("q", ""),
            "process": data["process"].pk if data.get("process") else None,
            "source_type": data.get("source_type", ""),
            "kind": data.get("kind", ""),
            "field_of_action": data["field_of_action"].pk if data.get("field_of_action") else None,
            "target_group": data["target_group"].pk if data.get("target_group") else None,
        }


def _visible_or_refuse(request):
    require_perm(request.user, "participation.view_any_statements")


@login_required
def statement_list_page(request):
    _visible_or_refuse(request)
    form = StatementFilterForm(request.GET or None, user=request.user)
    statements = statement_list(user=request.user, **form.filters())
    page = paginate(request, statements)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participation/statements/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "title": _("Statements"),
            "editable": {
                p.pk
                for p in process_list(user=request.user)
                if request.user.has_perm("participation.change_statement", p)
            },
        },
        status=400 if request.GET and not form.is_valid() else 200,
    )


@login_required
def statement_export(request, fmt: str):
    _visible_or_refuse(request)
    form = StatementFilterForm(request.GET or None, user=request.user)
    headers, rows = statement_export_rows(statement_list(user=request.user, **form.filters()))
    return download(fmt=fmt, filename="statements", headers=headers, rows=rows)


class StatementForm(forms.ModelForm):
    class Meta:
        model = Statement
        fields = ["text", "kind", "fields_of_action", "target_groups"]
        widgets = {
            "kind": forms.RadioSelect,
            "fields_of_action": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        process = self.instance.process
        self.fields["fields_of_action"].queryset = process.fields_of_action.all()
        self.fields["target_groups"].queryset = process.target_groups.all()

    reason = forms.CharField(
        label=gettext_lazy("Why are the words changed?"),
        help_text=gettext_lazy(
            "Needed when the text changes. The original words stay visible and every version "
            "is kept in the history."
        ),
        required=False,
        max_length=100,
    )

    def _post_clean(self):
        pass  # the service validates


@login_required
def statement_edit(request, pk: int):
    """Project staff correct a statement's text, kind and catalogue links (source stays)."""
    statement = get_object_or_404(Statement.objects.select_related("process"), pk=pk)
    require_perm(request.user, "participation.change_statement", statement)
    form = StatementForm(request.POST or None, instance=statement)
    list_url = reverse("participation:statement_list") + f"?process={statement.process_id}"
    return form_page(
        request,
        form=form,
        title=_("Edit statement"),
        save=lambda data: services.statement_update(statement=statement, user=request.user, **data),
        success=lambda obj: list_url,
        cancel_url=list_url,
        success_message=_("The statement was saved."),
    )


@login_required
def statement_source(request, pk: int):
    """Follow a statement to the page where its words were said (the passage highlighted)."""
    statement = get_object_or_404(Statement.objects.select_related("source_type"), pk=pk)
    require_perm(request.user, "participation.view_statements", statement)
    url = source_url(statement)
    if url is None:
        raise Http404(_("The source of this statement no longer exists."))
    return redirect(url)


@login_required
def statement_history(request, pk: int):
    """The statement's original words and every later version, with who changed it and why."""
    statement = get_object_or_404(Statement.objects.select_related("process"), pk=pk)
    require_perm(request.user, "participation.view_statements", statement)
    return render(
        request,
        "participation/statements/history.html",
        {
            "statement": statement,
            "title": _("History of a statement"),
            "versions": statement.history.select_related("history_user").order_by(
                "-history_date", "-history_id"
            ),
            "can_change": request.user.has_perm("participation.change_statement", statement),
        },
    )
