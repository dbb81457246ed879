"""Text helpers for inbound email: charsets, encoded headers, file names, HTML to text, quoted history.

Pure functions, no database; used by tickets.channels.email_parse.
"""

import codecs
import re
import unicodedata
from datetime import UTC, datetime
from email.header import decode_header
from email.utils import parsedate_to_datetime

from helpdesk.lib.html import html_to_text

# Labels mail clients use for charsets Python calls differently, or for which a superset decodes more mail.
CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-8-i": "iso-8859-8",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
}
MAX_HEADER_CHARS = 16 * 1024
UNKNOWN_CHARSETS = {"", "unknown-8bit", "x-unknown", "unknown", "default", "x-user-defined"}


def _codec(charset: str | None) -> str | None:
    """Python's codec name for a charset label, or None when Python does not know it."""
    label = (charset or "").strip().strip("\"'").lower()
    if label in UNKNOWN_CHARSETS:
        return None
    label = CHARSET_ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError, TypeError):
        return None
    # Only real charsets: not "base64", "rot13", "unicode_escape" and the like.
    text_codec = getattr(info, "_is_text_encoding", True) and "escape" not in info.name
    return info.name if text_codec and info.name not in ("idna", "punycode") else None


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes in a declared charset as text, never raising.

    Mail is often mislabelled: bytes with non-ASCII content that are valid UTF-8 are read as UTF-8 whatever
    the label says (UTF-8 by accident is rare in other charsets). Otherwise the declared charset is
    used, with replacement characters where the bytes do not fit it; an unknown charset is read as
    Windows-1252, else Latin-1 (which never fails and keeps every byte).
    """
    codec = _codec(charset)
    if codec != "utf-8" and any(byte > 0x7F for byte in data):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if codec:
        try:
            return data.decode(codec)
        except UnicodeError:
            return data.decode(codec, errors="replace")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def unescape_raw(value: str) -> str:
    """Raw 8-bit bytes in a header (parsed as surrogate escapes) as text: UTF-8, else Windows-1252."""
    if not re.search("[\udc80-\udcff]", value):
        return value
    data = value.encode("utf-8", errors="surrogateescape")
    return decode_bytes(data, "utf-8" if _is_utf8(data) else "cp1252")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_words(value: str | None) -> str:
    """A raw header value with RFC 2047 encoded words (even badly folded or split mid-character) as text."""
    if not value:
        return ""
    # Cut absurd values: decode_header is quadratic in the number of encoded words.
    value = unescape_raw(re.sub(r"\r?\n(?=[ \t])", "", value[:MAX_HEADER_CHARS]))
    if "=?" not in value:
        return value
    try:
        chunks = decode_header(value)
    except Exception:  # noqa: BLE001 - a broken header is shown as sent
        return value
    parts = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            parts.append(chunk)
        else:
            parts.append(decode_bytes(chunk, charset or "utf-8"))
    return "".join(parts)


def one_line(value: str) -> str:
    """Whitespace (including folding and control characters) collapsed to single spaces."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", value).split())


def safe_filename(name: str, default: str = "attachment") -> str:
    """A decoded file name reduced to a safe basename: no path, no control characters, at most 255 characters
    (and 255 UTF-8 bytes, the usual file system limit); `default` when nothing is left."""
    name = decode_words(name) if "=?" in (name or "") else unescape_raw(name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(" " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in name)
    name = " ".join(name.split()).strip(". ")
    if not name:
        return default
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 16 or not stem:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    while len(stem) > 1 and (len(stem + suffix) > 255 or len((stem + suffix).encode()) > 255):
        stem = stem[:-1]
    return (stem.rstrip(". ") or default) + suffix


def clean_address(address: str) -> str:
    address = address.strip().strip("<>").strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or re.search(r"[\s<>,;]", address):
        return ""
    return address


def message_ids(value: str) -> list[str]:
    found = re.findall(r"<([^<>]+)>", value) or re.split(r"[\s,]+", value)
    return list(dict.fromkeys(item for item in (re.sub(r"\s+", "", raw) for raw in found) if item))


def first_message_id(value: str) -> str:
    return next(iter(message_ids(value)), "")


def parse_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def unflow(text: str, delsp: bool) -> str:
    """format=flowed text (RFC 3676) with its soft line breaks joined back into paragraphs."""
    out: list[str] = []
    paragraph: list[str] = []
    for line in text.split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        quoted = line.startswith(">")
        if quoted and paragraph:  # quote depth changed: never join across it
            out.append("".join(paragraph))
            paragraph = []
        flowed = line.endswith(" ") and line != "-- " and not quoted
        paragraph.append(line[:-1] if flowed and delsp else line)
        if not flowed:
            out.append("".join(paragraph))
            paragraph = []
    if paragraph:
        out.append("".join(paragraph))
    return "\n".join(out)


_HIDDEN = re.compile(r"(?i)<(script|style|head|title|template|noscript)\b|<!--")


def _drop_hidden(markup: str) -> str:
    """Markup without comments and the content of script, style, head... (in linear time, even unclosed)."""
    lower, out, pos, unclosed = markup.lower(), [], 0, set()
    while match := _HIDDEN.search(markup, pos):
        out.append(markup[pos : match.start()])
        closing = f"</{match.group(1).lower()}" if match.group(1) else "-->"
        end = -1 if closing in unclosed else lower.find(closing, match.end())
        if end < 0:  # nothing shows after an unclosed script or comment, all of an unclosed head does
            unclosed.add(closing)
            keep = closing in ("</head", "</title")
            pos = (lower.find(">", match.end()) + 1 or len(markup)) if keep else len(markup)
            continue
        pos = lower.find(">", end) + 1 or len(markup)
    out.append(markup[pos:])
    return "".join(out)


def text_from_html(markup: str) -> str:
    """Readable text for an HTML-only mail: scripts, styles and the head dropped, source whitespace folded."""
    markup = re.sub(r"\s+", " ", _drop_hidden(markup))
    # A "<" that opens no tag is text ("a < b"); escaping it also keeps html_to_text's tag pattern linear.
    markup = re.sub(r"<(?![a-zA-Z/!?])|<(?=[^<>]*(?:<|\Z))", "&lt;", markup)
    markup = re.sub(r"(?i)<(td|th)\b", r" <\1", markup)
    text = html_to_text(markup).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_WROTE = (
    r"wrote|rašė|parašė|rakstīja|kirjoitti|napisał\(a\)|napisała|napisał|pisze|schrieb|a écrit|escribió"
    r"|scrisse|schreef|skrev|пишет|написал\(а\)|написала|написал"
)
# "On Mon, 3 Jun 2024 at 10:00, Jonas <j@x.lt> wrote:", "2024-06-03, pr, 10:00 Jonas <j@x.lt> rašė:",
# "W dniu 3.06.2024 o 10:00, Jan pisze:", "Am 03.06.2024 um 10:00 schrieb Hans <h@x.de>:".
ATTRIBUTION = re.compile(rf"(?i)^.{{0,300}}?(?:\b|\s)(?:{_WROTE})(?:\s+[^:]{{0,200}})?\s?:\s*$")
_ATTRIBUTION_START = re.compile(r"(?i)^(on|am|le|el|il|op|w dniu|dnia|\d)")
ORIGINAL_MESSAGE = re.compile(
    r"(?i)^\s*-{3,}\s*(original message|ursprüngliche nachricht|oryginalna wiadomość|wiadomość oryginalna"
    r"|alkuperäinen viesti|originali žinutė|pradinis laiškas|sākotnējā ziņa|oriģinālā ziņa|исходное сообщение"
    r"|message d'origine|mensaje original)\s*-{3,}\s*$"
)
_OUTLOOK_FROM = re.compile(r"(?i)^\*?(from|von|od|nuo|no|lähettäjä|de|от|van|från)\s*:\*?\s*\S")
_OUTLOOK_SENT = re.compile(
    r"(?i)^\*?(sent|date|gesendet|datum|wysłano|data|išsiųsta|nosūtīts|lähetetty|envoyé|отправлено|verzonden"
    r"|skickat|enviado)\s*:"
)
_OUTLOOK_OTHER = re.compile(
    r"(?i)^\*?(to|subject|an|betreff|do|temat|kam|tema|vastaanottaja|aihe|à|objet)\s*:"
)
_RULE = re.compile(r"^\s*_{10,}\s*$")


def _is_outlook_block(lines: list[str], i: int) -> bool:
    """A "From: / Sent: / To: / Subject:" header block that Outlook puts above the quoted mail."""
    if i >= len(lines) or not _OUTLOOK_FROM.match(lines[i].strip()):
        return False
    following = [line.strip() for line in lines[i + 1 : i + 6]]
    return any(_OUTLOOK_SENT.match(line) for line in following) and any(
        _OUTLOOK_OTHER.match(line) for line in following
    )


def _attribution_length(lines: list[str], i: int) -> int:
    """How many lines an "X wrote:" attribution starting at line i spans (clients wrap long ones), or 0."""
    for count in (1, 2, 3):
        chunk = lines[i : i + count]
        if len(chunk) < count or any(not line.strip() for line in chunk):
            return 0
        if count > 1 and not _ATTRIBUTION_START.match(chunk[0].strip()):
            return 0
        if ATTRIBUTION.match(" ".join(line.strip() for line in chunk)):
            return count
    return 0


def _next_filled(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def trim_quoted(text: str) -> str:
    """The new part of a reply, for display.

    Cuts the quoted history: lines starting with ">" are dropped (so answers written between quotes stay);
    an attribution line ("On ... wrote:", and the lt/lv/fi/pl/de/fr/ru forms) followed by ">" lines is
    dropped with them, one followed by unmarked text ends the new part, as do "-----Original Message-----"
    (and translations) and Outlook's "From: / Sent: / To: / Subject:" block (with the "____" rule above
    it). Then a trailing signature after a "-- " line is cut. Returns `text` unchanged if nothing is left.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(">"):
            i += 1
            continue
        if ORIGINAL_MESSAGE.match(line) or _is_outlook_block(lines, i):
            break
        if _RULE.match(line) and _is_outlook_block(lines, _next_filled(lines, i + 1)):
            break
        length = _attribution_length(lines, i)
        if length:
            after = _next_filled(lines, i + length)
            if after < len(lines) and lines[after].lstrip().startswith(">"):
                i = after
                continue
            break
        kept.append(line)
        i += 1
    signature = [n for n, line in enumerate(kept) if line.rstrip() == "--"]
    if signature:
        kept = kept[: signature[-1]]
    trimmed = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in kept)).strip()
    return trimmed or text
