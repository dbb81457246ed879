"""The real MIME files in tests/tickets/mime/, and small readers shared by the parser tests."""

from pathlib import Path

from tickets.channels.email_parse import ParsedAttachment, ParsedEmail, parse_email

MIME = Path(__file__).parent / "mime"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def parse(name: str) -> ParsedEmail:
    return parse_email((MIME / name).read_bytes())


def named(mail: ParsedEmail, filename: str) -> ParsedAttachment:
    return next(attachment for attachment in mail.attachments if attachment.filename == filename)
