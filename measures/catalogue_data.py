"""Which monitoring areas belong to the standard fields of action (editable data)."""

STANDARD_AREA_LINKS = {
    "language": ["language"],
    "education": ["education"],
    "work": ["work"],
    "housing": ["housing"],
    "health": ["health"],
    "participation": ["demography"],
    "administration": ["demography"],
}


def ensure_area_links(field_of_action_model, area_model, link_model) -> int:
    """Link the standard fields of action to the standard areas that exist and have no link yet.

    A field of action that already has links (edited by staff) is left as it is.
    """
    created = 0
    areas = {a.code: a for a in area_model.objects.all()}
    for foa in field_of_action_model.objects.filter(code__in=STANDARD_AREA_LINKS):
        if link_model.objects.filter(field_of_action=foa).exists():
            continue
        for code in STANDARD_AREA_LINKS[foa.code]:
            if code in areas:
                link_model.objects.create(field_of_action=foa, area=areas[code])
                created += 1
    return created
