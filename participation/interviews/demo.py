"""Demo interviews: a guide, a code system and a coded interview. Idempotent."""

from datetime import date

from ..models import Code, FieldOfAction, GuideQuestion, Interview, Statement, TargetGroup
from . import services

GUIDE = [
    "Wie sind Sie im Kreis angekommen, und wer hat Ihnen am Anfang geholfen?",
    "Wo haben Sie Deutsch gelernt, und was hat dabei geholfen oder gefehlt?",
    "Wie haben Sie Arbeit oder Ausbildung gesucht?",
    "Was müsste sich ändern, damit Sie sich hier zu Hause fühlen?",
]

TRANSCRIPT = "\n".join(
    [
        "I: Wie sind Sie im Kreis angekommen?",
        (
            "B: Wir sind im März 2022 aus Charkiw gekommen. Eine Nachbarin hat uns am ersten "
            "Tag zum Rathaus begleitet. Ohne sie hätten wir nichts gefunden."
        ),
        "I: Wo haben Sie Deutsch gelernt?",
        (
            "B: Im Integrationskurs der Volkshochschule. Der Kurs war gut, aber die "
            "Warteliste war sehr lang. Wir haben fünf Monate gewartet. Abends gab es keine "
            "Kinderbetreuung, deshalb konnte ich nur vormittags lernen."
        ),
        "I: Wie haben Sie Arbeit gesucht?",
        (
            "B: Ich bin Buchhalterin. Mein Abschluss wird bis heute nicht anerkannt. Das "
            "Jobcenter hat mir nur Helferjobs angeboten. Eine Beratung zur Anerkennung in "
            "meiner Sprache wäre eine große Hilfe."
        ),
        "I: Was müsste sich ändern?",
        (
            "B: Mehr Sprachcafés, wo man mit Deutschen ins Gespräch kommt. Und eine Wohnung, "
            "denn wir wohnen noch zu viert in zwei Zimmern."
        ),
    ]
)

SUBCODES = {
    "language": ["Wartezeiten Sprachkurs", "Kinderbetreuung während Kurs"],
    "work": ["Anerkennung von Abschlüssen"],
    "housing": ["Wohnungsnot"],
    "participation": ["Nachbarschaftshilfe"],
}

PASSAGES = [
    # (text, codes by (field code, sub-code name or None), kind, memo)
    (
        "Eine Nachbarin hat uns am ersten Tag zum Rathaus begleitet.",
        [("participation", "Nachbarschaftshilfe")],
        Statement.Kind.STRENGTH,
        "Informelle Lotsen – Ehrenamt stärken?",
    ),
    (
        "Der Kurs war gut, aber die Warteliste war sehr lang. Wir haben fünf Monate gewartet.",
        [("language", "Wartezeiten Sprachkurs")],
        Statement.Kind.PROBLEM,
        "",
    ),
    (
        "Abends gab es keine Kinderbetreuung, deshalb konnte ich nur vormittags lernen.",
        [("language", "Kinderbetreuung während Kurs")],
        Statement.Kind.NEED,
        "",
    ),
    (
        "Mein Abschluss wird bis heute nicht anerkannt.",
        [("work", "Anerkennung von Abschlüssen")],
        Statement.Kind.PROBLEM,
        "",
    ),
    (
        "Eine Beratung zur Anerkennung in meiner Sprache wäre eine große Hilfe.",
        [("work", "Anerkennung von Abschlüssen")],
        Statement.Kind.IDEA,
        "Vorschlag für Maßnahme im Handlungsfeld Arbeit",
    ),
    (
        "Mehr Sprachcafés, wo man mit Deutschen ins Gespräch kommt.",
        [("language", None), ("participation", None)],
        Statement.Kind.IDEA,
        "",
    ),
    (
        "wir wohnen noch zu viert in zwei Zimmern.",
        [("housing", "Wohnungsnot")],
        Statement.Kind.PROBLEM,
        "",
    ),
]


def _code(process, field_code: str, sub: str | None, user) -> Code:
    field = FieldOfAction.objects.get(code=field_code)
    top = Code.objects.get(process=process, parent=None, field_of_action=field)
    if sub is None:
        return top
    code = Code.objects.filter(process=process, parent=top, name=sub).first()
    return code or services.code_save(
        process=process, user=user, parent=top, name=sub, field_of_action=field
    )


def seed(ctx) -> None:
    process = ctx.process
    staff = ctx.users["staff"]
    facilitator = ctx.users["facilitator"]
    for order, text in enumerate(GUIDE, start=1):
        GuideQuestion.objects.get_or_create(process=process, order=order, defaults={"text": text})
    services.code_system_seed(process=process, user=staff)
    for field_code, subs in SUBCODES.items():
        for sub in subs:
            _code(process, field_code, sub, staff)

    interview = Interview.objects.filter(process=process, interviewee_pseudonym="I-01").first()
    if interview is None:
        interview = services.interview_save(
            process=process,
            user=staff,
            held_on=date(2025, 3, 12),
            facilitator=facilitator,
            interviewee_pseudonym="I-01",
            target_group=TargetGroup.objects.get(code="ukraine"),
            fields_of_action=list(
                FieldOfAction.objects.filter(code__in=["language", "work", "housing"])
            ),
            consent_given_on=date(2025, 3, 12),
            consent_scope="Audioaufnahme, Transkript, anonymisierte Zitate im Konzept",
            transcript=TRANSCRIPT,
        )
    if not interview.passages.exists():
        for text, codes, kind, memo in PASSAGES:
            start = interview.transcript.index(text)
            services.passage_code(
                interview=interview,
                user=facilitator,
                start=start,
                end=start + len(text),
                codes=[_code(process, f, s, staff) for f, s in codes],
                memo=memo,
                kind=kind,
            )
    # A second interview for the other facilitator: consent recorded, not coded yet.
    if not Interview.objects.filter(process=process, interviewee_pseudonym="I-02").exists():
        services.interview_save(
            process=process,
            user=staff,
            held_on=date(2025, 3, 20),
            facilitator=ctx.users["facilitator2"],
            interviewee_pseudonym="I-02",
            target_group=TargetGroup.objects.get(code="cse-europe"),
            fields_of_action=list(FieldOfAction.objects.filter(code__in=["work", "health"])),
            consent_given_on=date(2025, 3, 20),
            consent_scope="Zusammenfassung, anonymisierte Zitate",
            text_kind=Interview.TextKind.SUMMARY,
            transcript=(
                "Die Befragte arbeitet seit 2019 in der Fleischindustrie. "
                "Sie berichtet von Werkverträgen und Sammelunterkünften. "
                "Arzttermine seien ohne Dolmetscher kaum wahrzunehmen."
            ),
        )
