"""The initial catalogues (DESIGN.md): editable data, loaded by a data migration."""

TARGET_GROUPS = [
    ("immigrants", "Eingewanderte und ihre Nachkommen", "Immigrants and their descendants"),
    (
        "cse-europe",
        "Eingewanderte aus Mittel- und Südosteuropa",
        "Immigrants from Central and South-Eastern Europe",
    ),
    (
        "protection-2015",
        "Schutzsuchende (seit 2015 zugewandert)",
        "Protection seekers arrived since 2015",
    ),
    ("ukraine", "Schutzsuchende aus der Ukraine", "Protection seekers from Ukraine"),
]

FIELDS_OF_ACTION = [
    ("language", "Sprache", "Language"),
    ("education", "Frühkindliche und schulische Bildung", "Early childhood and school education"),
    ("work", "Ausbildung und Arbeit", "Vocational training and work"),
    ("housing", "Wohnen", "Housing"),
    ("health", "Gesundheit", "Health"),
    (
        "participation",
        "Gesellschaftliche Teilhabe und bürgerschaftliches Engagement",
        "Social participation and civic engagement",
    ),
    (
        "administration",
        "Interkulturelle Öffnung der Verwaltung",
        "Intercultural opening of administration",
    ),
]


def ensure_catalogues(target_group_model, field_of_action_model) -> None:
    """Create the initial entries that are missing; never touches edited ones."""
    for model, rows in (
        (target_group_model, TARGET_GROUPS),
        (field_of_action_model, FIELDS_OF_ACTION),
    ):
        for order, (code, name, name_en) in enumerate(rows, start=1):
            model.objects.get_or_create(
                code=code, defaults={"name": name, "name_en": name_en, "order": order}
            )
