"""Sending one email from a Celery task without holding a row lock while the mail server talks.

The pattern every email service follows:

1. In a short transaction, lock the row, check that the email is still due, and *claim* it
   (set its "sent" timestamp). Commit: the lock is released.
2. Send with :func:`send_message`, outside any transaction.
3. On a temporary failure (network, 4xx) undo the claim and re-raise: the task retries with
   backoff. On a permanent refusal (5xx for the recipient or the message) record the refusal
   on the row for staff to see and do not retry: sending again would be refused again.

A worker that dies between 1 and 2 leaves the email claimed but unsent: these emails are sent
at most once, never twice.
"""

from __future__ import annotations

import smtplib

from django.core.mail import EmailMessage


class PermanentRefusal(Exception):
    """The mail server refused this recipient or message for good (a 5xx reply)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()[:300]


def send_message(message: EmailMessage) -> None:
    """Send ``message``; raise :class:`PermanentRefusal` on a 5xx refusal, ``OSError`` (which
    includes every other ``smtplib.SMTPException``) on anything worth retrying."""
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        replies = list(exc.recipients.values())
        if replies and all(code >= 500 for code, _text in replies):
            raise PermanentRefusal(_reply(*replies[0])) from exc
        raise
    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
        if exc.smtp_code >= 500 and isinstance(exc, smtplib.SMTPDataError):
            raise PermanentRefusal(_reply(exc.smtp_code, exc.smtp_error)) from exc
        raise
