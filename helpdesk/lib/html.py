"""HTML from outside (email, portal, chat, agents) is cleaned with an allow-list before it is stored."""

import html
import re

import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "cid", "tel"}


def sanitize_html(dirty: str) -> str:
    """Keep formatting, drop anything that could run (scripts, handlers, styles, javascript: URLs)."""
    return nh3.clean(
        dirty,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def text_to_html(text: str) -> str:
    """Plain text as safe HTML paragraphs, keeping line breaks."""
    paragraphs = re.split(r"\n{2,}", text.strip().replace("\r\n", "\n"))
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs if p)


def html_to_text(markup: str) -> str:
    """A readable plain-text version of sanitised HTML (for search, previews and text email)."""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>|</h[1-6]>", "\n", markup)
    # "[^<>]" keeps this linear: with "[^>]", every unclosed "<" would scan to the end of the text.
    text = re.sub(r"<[^<>]*>", "", text)
    # Editors write &nbsp; for spaces they must keep (after bold text, say); in plain text a space.
    text = html.unescape(text).replace("\xa0", " ")
    return re.sub(r"\n{3,}", "\n\n", text).strip()
