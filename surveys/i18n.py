"""Per-language texts of surveys: ``{"de": "…", "en": "…"}`` objects and their fallbacks.

A survey may be offered in any language that has a CLDR locale (Babel's data): names and writing
direction come from CLDR, not from a list kept here. Codes are stored in BCP 47 form
(``de``, ``sr-Latn``, ``fa-AF`` for Dari, ``ckb`` for Sorani Kurdish).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache

from babel import Locale, UnknownLocaleError, localedata

# Codes people use that CLDR files under another name.
ALIASES = {
    "prs": "fa-AF",  # Dari (ISO 639-3)
    "dari": "fa-AF",
    "iw": "he",
    "ji": "yi",
    "in": "id",
    "kmr": "ku",  # Kurmanji
    "sh": "sr-Latn",
    "no": "nb",
    "zh-hans": "zh-Hans",
    "zh-hant": "zh-Hant",
}

# Offered first in the designer (the rest is one search away): the platform's languages and
# those the county's target groups speak.
COMMON = [
    "de", "en", "uk", "ru", "ar", "fa", "fa-AF", "ps", "ckb", "ku", "tr", "pl", "ro", "bg",
    "sr", "sr-Latn", "hr", "bs", "sq", "hu", "fr", "es", "it", "el", "ti", "so", "he", "ur",
]  # fmt: skip


@lru_cache(maxsize=4096)
def _locale(code: str) -> Locale | None:
    raw = (code or "").strip().replace("_", "-")
    if not raw:
        return None
    raw = ALIASES.get(raw.lower(), raw)
    try:
        return Locale.parse(raw, sep="-")
    except (ValueError, TypeError, UnknownLocaleError):
        return None


def normalise_language(code: str) -> str | None:
    """``"fa_AF"`` → ``"fa-AF"``, ``"prs"`` → ``"fa-AF"``; None when CLDR has no such locale."""
    locale = _locale(code)
    if locale is None:
        return None
    return "-".join(p for p in (locale.language, locale.script, locale.territory) if p)


def is_known(code: str) -> bool:
    """A language code in the stored (normalised) form."""
    return bool(code) and normalise_language(code) == code


def is_rtl(language: str) -> bool:
    locale = _locale(language)
    return bool(locale and locale.text_direction == "rtl")


def direction(language: str) -> str:
    return "rtl" if is_rtl(language) else "ltr"


@lru_cache(maxsize=4096)
def language_name(language: str) -> str:
    """The language's own name for itself ("Svenska", "پښتو"), as CLDR writes it."""
    locale = _locale(language)
    if locale is None:
        return language
    if language == "fa-AF":
        own = locale.languages.get("fa_AF") or locale.languages.get("prs")
        if own:
            return own
    name = locale.get_display_name(locale) or language
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=8192)
def _name_in(language: str, ui: str) -> str:
    locale = _locale(language)
    if locale is None:
        return language
    name = locale.get_display_name(_locale(ui) or "en") or language
    return name[:1].upper() + name[1:]


def language_label(language: str, ui: str = "de") -> str:
    """ "Svenska – Schwedisch (sv)": the own name, the name in the interface language, the code."""
    own, here = language_name(language), _name_in(language, ui)
    if own == here:
        return f"{own} ({language})"
    return f"{own} – {here} ({language})"


@lru_cache(maxsize=1)
def all_languages() -> tuple[str, ...]:
    """Every CLDR locale as a survey language code: the common ones first, then by code."""
    codes = set()
    for identifier in localedata.locale_identifiers():
        code = normalise_language(identifier)
        if code:
            codes.add(code)
    return tuple(COMMON + sorted(codes - set(COMMON)))


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Own, English and German names of every language (lowercase) → code."""
    names: dict[str, str] = {}
    for code in reversed(all_languages()):  # the common codes win a name they share
        locale = _locale(code)
        if locale is None:
            continue
        for ui in ("en", "de", code):
            name = _name_in(code, ui).lower()
            if name:
                names[name] = code
            if not locale.territory and not locale.script:
                plain = (locale.languages.get(locale.language) if ui == code else None) or ""
                if plain:
                    names[plain.lower()] = code
        en = Locale("en").languages.get(locale.language)
        de = Locale("de").languages.get(locale.language)
        for name in (en, de):
            if name and not locale.territory and not locale.script:
                names.setdefault(name.lower(), code)
    names.update({"dari": "fa-AF", "farsi": "fa", "sorani": "ckb", "kurmanji": "ku"})
    return names


def resolve_language(name: str) -> str | None:
    """The language meant by a code or a name in an imported file: "German (de)", "de",
    "de-informal", "Deutsch", "Swedish", "label::Dari (prs)" → code, or None."""
    import re

    text = (name or "").strip()
    if not text:
        return None
    match = re.search(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\)\s*$", text)
    candidates = []
    if match:
        candidates.append(match.group(1))
        text = text[: match.start()].strip()
    candidates.append(text)
    for candidate in candidates:
        code = normalise_language(candidate)
        if code and (
            candidate.lower() in ALIASES
            or len(candidate) <= 3
            or "-" in candidate
            or "_" in candidate
        ):
            return code
        base = re.split(r"[-_\s]", candidate)[0]
        by_name = _names().get(candidate.lower())
        if by_name:
            return by_name
        code = normalise_language(base) if len(base) <= 3 else None
        if code:
            return code
    return None


class _SurveyLanguages(Mapping):
    """``code in SURVEY_LANGUAGES`` and ``SURVEY_LANGUAGES[code] == (own name, rtl)`` for every
    CLDR language; iterating gives the common ones (a list to show, not every locale)."""

    def __getitem__(self, code: str) -> tuple[str, bool]:
        if not is_known(code):
            raise KeyError(code)
        return language_name(code), is_rtl(code)

    def __contains__(self, code) -> bool:
        return isinstance(code, str) and is_known(code)

    def __iter__(self) -> Iterator[str]:
        return iter(COMMON)

    def __len__(self) -> int:
        return len(COMMON)


SURVEY_LANGUAGES = _SurveyLanguages()


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
