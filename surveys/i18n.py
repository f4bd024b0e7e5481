"""Per-language texts of surveys: ``{"de": "…", "en": "…"}`` objects and their fallbacks."""

# Languages a survey may be offered in: code -> (native name, right-to-left).
SURVEY_LANGUAGES: dict[str, tuple[str, bool]] = {
    "de": ("Deutsch", False),
    "en": ("English", False),
    "uk": ("Українська", False),
    "ru": ("Русский", False),
    "ar": ("العربية", True),
    "fa": ("فارسی", True),
    "tr": ("Türkçe", False),
    "pl": ("Polski", False),
    "ro": ("Română", False),
    "bg": ("Български", False),
    "fr": ("Français", False),
    "ku": ("Kurdî", False),
    "ti": ("ትግርኛ", False),
    "so": ("Soomaali", False),
}


def pick(texts: dict | None, language: str | None, default: str = "de") -> str:
    """The text in ``language``, else in ``default``, else German, else any non-empty one."""
    if not texts:
        return ""
    for lang in (language, default, "de", "en"):
        if lang and texts.get(lang):
            return texts[lang]
    for value in texts.values():
        if value:
            return value
    return ""


def is_rtl(language: str) -> bool:
    return SURVEY_LANGUAGES.get(language, ("", False))[1]


def language_name(language: str) -> str:
    return SURVEY_LANGUAGES.get(language, (language, False))[0]
