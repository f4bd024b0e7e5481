import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from participation.services import person_erase
from surveys.models import Invitation
from surveys.services import invitations as inv
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert_survey(make_survey):
    return make_survey(access_mode="invitation", anonymised=False)


def xlsx(rows) -> SimpleUploadedFile:
    import io

    book = Workbook()
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("invitees.xlsx", data.getvalue())


def test_token_is_stored_only_as_hash(expert_survey):
    inv.invitations_import(survey=expert_survey, user=None, rows=[{"email": "a@example.org"}])
    invitation = Invitation.objects.get()
    token = inv.token_for(invitation)
    assert len(token) >= 40
    values = [str(v) for v in Invitation.objects.values().get().values()]
    assert token not in values and inv.hash_token(token) in values
    assert inv.invitation_by_token(token) == invitation
    assert inv.invitation_by_token(token[:-1] + "x") is None


def test_import_from_xlsx_and_csv(expert_survey):
    rows = inv.read_invitee_file(
        xlsx(
            [
                ["Name", "E-Mail", "Organisation", "Sprache", "Zielgruppe", "Bereich"],
                ["Eva", "eva@example.org", "Caritas", "en", "ukraine", "Beratung"],
            ]
        )
    )
    report = inv.invitations_import(survey=expert_survey, user=None, rows=rows)
    assert report.created == 1
    invitation = Invitation.objects.get()
    assert invitation.target_group.code == "ukraine" and invitation.attributes == {
        "Bereich": "Beratung"
    }
    csv = SimpleUploadedFile("x.csv", b"email,name\neva@example.org,Eva\nneu@example.org,Neu\n")
    report = inv.invitations_import(
        survey=expert_survey, user=None, rows=inv.read_invitee_file(csv)
    )
    assert report.created == 1 and len(report.skipped) == 1


@pytest.mark.parametrize(
    "content,needle",
    [
        (b"name\nEva\n", "email"),
        (b"", "leer"),
        (b"\xff\xfe\x00bad", "UTF-8"),
        (b"email\nkeine-adresse\n", "Zeile 2"),
        (b"email;language\na@example.org;xx\n", "Zeile 2"),
        (b"email;target_group\na@example.org;nope\n", "Zeile 2"),
    ],
)
def test_bad_invitee_files_write_nothing(expert_survey, content, needle):
    with pytest.raises(ValidationError) as info:
        rows = inv.read_invitee_file(SimpleUploadedFile("x.csv", content))
        inv.invitations_import(survey=expert_survey, user=None, rows=rows)
    assert needle in str(info.value)
    assert not Invitation.objects.exists()


def test_from_people_skips_those_without_email(expert_survey):
    with_mail = PersonFactory(language="en")
    without = PersonFactory(email="")
    report = inv.invitations_from_people(
        survey=expert_survey, user=None, people=[with_mail, without]
    )
    assert report.created == 1 and len(report.skipped) == 1
    invitation = Invitation.objects.get()
    assert invitation.person == with_mail and invitation.language == "en"
    assert invitation.organisation == with_mail.organisation.name


def test_send_reminders_and_opt_out(
    client, expert_survey, mailoutbox, django_capture_on_commit_callbacks
):
    inv.invitations_import(
        survey=expert_survey,
        user=None,
        rows=[
            {"email": "a@example.org", "name": "Anna"},
            {"email": "b@example.org", "language": "ar"},
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert inv.invitations_send(survey=expert_survey, user=None) == 2
    assert len(mailoutbox) == 2
    link = inv.token_for(Invitation.objects.get(email="a@example.org"))
    body = next(m for m in mailoutbox if m.to == ["a@example.org"]).body
    assert link in body and "Guten Tag Anna" in body and "/opt-out/" in body
    arabic = next(m for m in mailoutbox if m.to == ["b@example.org"])
    assert arabic.subject.startswith("دعوة")
    with django_capture_on_commit_callbacks(execute=True):  # nothing new to send
        assert inv.invitations_send(survey=expert_survey, user=None) == 0
    # b opts out; only a gets a reminder.
    token_b = inv.token_for(Invitation.objects.get(email="b@example.org"))
    assert client.get(reverse("surveys:opt_out", args=[token_b])).status_code == 200
    client.post(reverse("surveys:opt_out", args=[token_b]))
    assert Invitation.objects.get(email="b@example.org").opted_out_at
    with django_capture_on_commit_callbacks(execute=True):
        assert inv.invitations_send(survey=expert_survey, user=None, reminder=True) == 1
    assert len(mailoutbox) == 3 and mailoutbox[-1].subject.startswith("Erinnerung")
    # Running the same reminder task again sends nothing twice.
    assert (
        inv.invitation_send(
            invitation_id=Invitation.objects.get(email="a@example.org").pk, reminder_number=1
        )
        is False
    )
    assert Invitation.objects.get(email="a@example.org").reminder_count == 1


def test_sending_needs_an_open_survey(make_survey):
    survey = make_survey(status="draft", access_mode="invitation", anonymised=False)
    with pytest.raises(ValidationError):
        inv.invitations_send(survey=survey, user=None)


def test_erasing_a_person_blanks_their_invitations(expert_survey, staff_user):
    person = PersonFactory()
    person.processes.add(expert_survey.process)
    inv.invitations_from_people(survey=expert_survey, user=None, people=[person])
    person_erase(person=person, user=staff_user)
    invitation = Invitation.objects.get()
    assert person.last_name not in invitation.email and invitation.name == ""


def test_signed_in_expert_sees_their_invitation(client, expert_survey, expert_user):
    inv.invitations_import(survey=expert_survey, user=None, rows=[{"email": expert_user.email}])
    client.force_login(expert_user)
    body = client.get(reverse("surveys:survey_index")).content.decode()
    assert "/surveys/i/" in body and str(expert_survey) in body


def test_a_user_sees_only_their_own_invitations(client, expert_survey, make_member, process):
    eva = make_member(process, "expert", email="eva@example.org")
    max_ = make_member(process, "expert", email="max@example.org")
    inv.invitations_import(
        survey=expert_survey, user=None, rows=[{"email": eva.email}, {"email": max_.email}]
    )
    client.force_login(eva)
    body = client.get(reverse("surveys:survey_index")).content.decode()
    eva_link = inv.token_for(Invitation.objects.get(email=eva.email))
    max_link = inv.token_for(Invitation.objects.get(email=max_.email))
    assert eva_link in body and max_link not in body
    # Nor can an expert list or read invitations through the API.
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(eva)
    assert api.get("/api/v1/survey-invitations/").json()["count"] == 0
    other = Invitation.objects.get(email=max_.email)
    assert api.get(f"/api/v1/survey-invitations/{other.pk}/").status_code == 404
