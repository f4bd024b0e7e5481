"""Reading uploaded transcripts and cutting them into numbered passages. No Django here."""

import io
import re
from dataclasses import dataclass

ALLOWED_EXTENSIONS = (".txt", ".docx")


class TranscriptFileError(ValueError):
    """The file cannot be used as a transcript; the message says why, for the person."""


def read_transcript(name: str, data: bytes, *, max_bytes: int, messages: dict) -> str:
    """Text of an uploaded .txt (UTF-8 or Windows-1252) or .docx file.

    ``messages`` holds the (translated) error texts, keyed ``too_large``, ``extension``,
    ``empty``, ``docx`` and ``encoding``; each may use ``{name}``, ``{ext}`` and ``{limit}``.
    """
    lower = name.lower()
    ext = lower[lower.rfind(".") :] if "." in lower else ""
    fmt = {"name": name, "ext": ext or "?", "limit": f"{max_bytes // 1024} KB"}
    if len(data) > max_bytes:
        raise TranscriptFileError(messages["too_large"].format(**fmt))
    if ext not in ALLOWED_EXTENSIONS:
        raise TranscriptFileError(messages["extension"].format(**fmt))
    if ext == ".txt":
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - cp1252 decodes almost anything
            raise TranscriptFileError(messages["encoding"].format(**fmt))
        if "\x00" in text:
            raise TranscriptFileError(messages["encoding"].format(**fmt))
    else:
        try:
            import docx

            document = docx.Document(io.BytesIO(data))
        except Exception as exc:  # python-docx raises many kinds for broken packages
            raise TranscriptFileError(messages["docx"].format(**fmt)) from exc
        text = "\n\n".join(p.text for p in document.paragraphs)
    text = normalise(text)
    if not text:
        raise TranscriptFileError(messages["empty"].format(**fmt))
    return text


def normalise(text: str) -> str:
    """Unix line ends, no trailing spaces, at most one empty line between paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


@dataclass(frozen=True)
class Segment:
    """A sentence of the transcript: number ``paragraph.sentence`` and character offsets."""

    paragraph: int
    sentence: int
    start: int
    end: int
    text: str

    @property
    def number(self) -> str:
        return f"{self.paragraph}.{self.sentence}"


_SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+[\"'”“»«)\]]*|$)")


def segments(text: str) -> list[Segment]:
    """Cut ``text`` into paragraphs (by line) and sentences, with offsets into ``text``."""
    result: list[Segment] = []
    paragraph = 0
    position = 0
    for line in text.split("\n"):
        line_start = position
        position += len(line) + 1
        if not line.strip():
            continue
        paragraph += 1
        sentence = 0
        for match in _SENTENCE.finditer(line):
            chunk = match.group()
            stripped = chunk.strip()
            if not stripped:
                continue
            lead = len(chunk) - len(chunk.lstrip())
            start = line_start + match.start() + lead
            sentence += 1
            result.append(Segment(paragraph, sentence, start, start + len(stripped), stripped))
    return result


def paragraphs(text: str) -> list[list[Segment]]:
    """The segments grouped by paragraph, in order."""
    grouped: dict[int, list[Segment]] = {}
    for segment in segments(text):
        grouped.setdefault(segment.paragraph, []).append(segment)
    return list(grouped.values())


def pseudonymise(text: str, names: list[str], pseudonym: str) -> str:
    """Replace each of ``names`` (whole words, any case; longest first) by ``pseudonym``."""
    for name in sorted(
        {n.strip() for n in names if n and len(n.strip()) > 1}, key=len, reverse=True
    ):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", pseudonym, text, flags=re.IGNORECASE)
    return text
