"""The inbound email parser, on a corpus of real MIME files (tests/tickets/mime). Pure: no database."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.tickets.mime_corpus import PNG_SIGNATURE, named, parse
from tickets.channels.email_parse import (
    parse_email,
    trim_quoted,
)

# --- plain mail and headers ------------------------------------------------------------------------------


def test_a_plain_english_mail_gives_its_headers_and_text():
    mail = parse("plain_english.eml")

    assert mail.message_id == "CAF=plain.0001@mail.example.com"
    assert mail.from_name == "Alice Smith"
    assert mail.from_address == "alice.smith@example.com"
    assert mail.reply_to == "alice+replies@example.com"
    assert mail.to == ["support@helpdesk.example"]
    assert mail.cc == ["bob@example.com", "carol@example.org"]
    assert mail.subject == "Cannot log in to my account"
    assert mail.date == datetime(2024, 6, 3, 9, 15, tzinfo=UTC)
    assert mail.text.startswith("Hello,\n\nSince this morning I cannot log in")
    assert mail.text.endswith("Thanks,\nAlice")
    assert "\r" not in mail.text
    assert mail.html == ""
    assert mail.attachments == []
    assert (mail.auto_submitted, mail.is_bounce, mail.bounced_message_id) == (False, False, "")
    assert (mail.in_reply_to, mail.references) == ([], [])


def test_the_parsed_email_is_frozen():
    mail = parse("plain_english.eml")

    with pytest.raises(AttributeError):
        mail.subject = "changed"


def test_a_date_without_a_time_zone_is_taken_as_utc():
    mail = parse("badly_folded_subject.eml")  # Date: ... -0000

    assert mail.date == datetime(2024, 6, 20, 11, 0, tzinfo=UTC)
    assert mail.date.tzinfo is not None


def test_a_date_keeps_its_offset():
    assert parse("japanese_iso2022jp.eml").date.utcoffset() == timedelta(hours=9)


def test_a_message_id_split_over_lines_and_padded_with_spaces_is_cleaned():
    assert parse("badly_folded_subject.eml").message_id == "folded-subject@example.lt"
    assert parse("no_body.eml").message_id == "no-body@example.com"


def test_a_reply_gives_in_reply_to_and_references_in_order():
    mail = parse("reply_with_history.eml")

    assert mail.in_reply_to == ["ticket-42-msg-7@helpdesk.example"]
    assert mail.references == ["CAF=plain.0001@mail.example.com", "ticket-42-msg-7@helpdesk.example"]
    assert mail.subject == "Re: [#42] Cannot log in to my account"


def test_a_format_flowed_body_is_joined_back_into_paragraphs():
    text = parse("reply_with_history.eml").text

    assert "This line is long and was wrapped by the mail client with a trailing space." in text
    assert "-- \nAlice Smith" in text  # the signature separator is not a soft break


# --- charsets and encodings ------------------------------------------------------------------------------


def test_a_lithuanian_mail_keeps_its_diacritics():
    mail = parse("lithuanian_utf8_qp.eml")

    assert mail.subject == "Užsakymas nepristatytas – ąčęėįšųūž"
    assert mail.from_name == "Jūratė Žemaitė"
    assert "Raidės: ąčęėįšųūž ĄČĘĖĮŠŲŪŽ" in mail.text
    assert "Prašau patikrinti siuntos būseną." in mail.text


def test_a_latvian_windows_1257_mail_is_decoded():
    mail = parse("latvian_windows1257.eml")

    assert mail.subject == "Rēķins nav saņemts"
    assert mail.from_name == "Jānis Bērziņš"
    assert mail.from_address == "janis@pasts.lv"
    assert "Burti: āčēģīķļņšūž" in mail.text


def test_a_latvian_iso_8859_13_mail_in_8bit_is_decoded():
    mail = parse("latvian_iso8859_13.eml")

    assert mail.subject == "Paroles maiņa"
    assert mail.from_name == "Līga Ozoliņa"
    assert mail.text == "Sveiki, nevaru nomainīt paroli. Kļūda: „nederīgs kods”."


def test_a_finnish_iso_8859_15_mail_keeps_its_umlauts_and_the_euro_sign():
    mail = parse("finnish_iso8859_15.eml")

    assert mail.subject == "Tilaus myöhässä - äöå"
    assert mail.from_name == "Matti Mäkinen"
    assert "Hyvää päivää" in mail.text
    assert "Kirjaimet: äöå ÄÖÅ, hinta 20 €." in mail.text


def test_a_polish_iso_8859_2_mail_keeps_zazolc_gesla_jazn():
    mail = parse("polish_iso8859_2.eml")

    assert mail.subject == "Zażółć gęślą jaźń - reklamacja"
    assert mail.from_name == "Jan Wąsowski"
    assert "zażółć gęślą jaźń. ZAŻÓŁĆ GĘŚLĄ JAŹŃ." in mail.text


def test_a_russian_koi8_r_base64_mail_is_decoded():
    mail = parse("russian_koi8r.eml")

    assert mail.subject == "Не работает оплата"
    assert mail.from_name == "Иван Петров"
    assert "Не могу оплатить заказ картой." in mail.text


def test_a_japanese_iso_2022_jp_mail_has_a_readable_subject_and_body():
    mail = parse("japanese_iso2022jp.eml")

    assert mail.subject == "お問い合わせ：注文について"
    assert mail.from_name == "田中太郎"
    assert "注文番号１２３４の配送状況を教えてください。" in mail.text


def test_a_japanese_shift_jis_mail_is_decoded():
    mail = parse("japanese_shift_jis.eml")

    assert mail.subject == "返品について"
    assert mail.from_name == "鈴木花子"
    assert mail.text == "商品を返品したいです。よろしくお願いします。"


def test_a_wrong_or_unknown_charset_does_not_crash_and_keeps_the_text_readable():
    mail = parse("wrong_charset.eml")

    # UTF-8 bytes labelled iso-8859-1 (in the body and in the subject's encoded word) are read as UTF-8.
    assert mail.subject == "Kodėl neveikia"
    assert mail.text.startswith("Kodėl neveikia prisijungimas? Ąžuolas.")
    # An unknown charset: Latin-1 bytes are read as Windows-1252; an unknown encoded-word charset as UTF-8.
    assert mail.text.endswith("Café - naïve")
    assert mail.from_name == "Eglė"


def test_badly_folded_encoded_words_split_inside_a_character_are_joined():
    mail = parse("badly_folded_subject.eml")

    assert mail.subject == "Labas, čia užklausa apie ąžuolą"
    assert mail.from_name == "Žydrūnas Kazlauskas"  # an encoded word inside a quoted name
    assert mail.from_address == "zydrunas@example.lt"


def test_raw_utf8_headers_are_read_as_utf8():
    mail = parse("raw_utf8_headers.eml")

    assert mail.subject == "Ačiū už pagalbą"
    assert mail.from_name == "Saulė Žvaigždė"
    assert mail.text == "Ačiū!"


# --- structure -------------------------------------------------------------------------------------------


def test_an_html_only_mail_keeps_its_html_as_sent_and_derives_the_text():
    mail = parse("html_only.eml")

    assert "<script" in mail.html and 'onclick="steal()"' in mail.html  # not sanitised: the caller does it
    assert "Hello," in mail.text
    assert "The checkout page shows an error & I can't pay." in mail.text
    assert "My cart" in mail.text
    assert "Customer Name" in mail.text
    for leftover in ("alert", "document.cookie", "color: red", "Checkout", "comment", "<"):
        assert leftover not in mail.text


def test_multipart_alternative_gives_the_plain_text_and_the_html():
    mail = parse("alternative.eml")

    assert mail.from_name == "Greta Müller"
    assert mail.text == "Guten Tag,\n\nwarum ist die Rechnung höher als erwartet?\n\nGrüße\nGreta"
    assert mail.html.startswith("<html><body><p>Guten Tag,</p>")
    assert "<b>Rechnung</b> höher" in mail.html
    assert mail.attachments == []


def test_an_inline_cid_image_in_multipart_related_is_an_inline_attachment():
    mail = parse("related_inline_image.eml")

    assert mail.text == "Here is the screenshot: [image: screenshot.png]"
    assert 'src="cid:screenshot.png@01DAB123"' in mail.html
    [image] = mail.attachments
    assert image.filename == "screenshot.png"
    assert image.content_type == "image/png"
    assert image.content_id == "screenshot.png@01DAB123"
    assert image.inline is True
    assert image.content.startswith(PNG_SIGNATURE)


def test_rfc_2231_and_rfc_2047_attachment_names_are_decoded_with_their_non_ascii_letters():
    mail = parse("attachment_rfc2231.eml")

    assert mail.subject == "Sąskaita faktūra"
    assert mail.text == "Siunčiame sąskaitą faktūrą."
    assert [a.filename for a in mail.attachments] == [
        "sąskaita faktūra.pdf",
        "žiniaraščio ataskaita.xlsx",
        "Zażółć gęślą jaźń.txt",
    ]
    pdf = named(mail, "sąskaita faktūra.pdf")
    assert pdf.content_type == "application/pdf"
    assert pdf.content.startswith(b"%PDF-1.4")
    assert (pdf.content_id, pdf.inline) == ("", False)
    # A text/plain part sent as an attachment stays an attachment, bytes as sent.
    assert named(mail, "Zażółć gęślą jaźń.txt").content == "zażółć gęślą jaźń\n".encode("iso-8859-2")


def test_hostile_attachment_names_become_safe_basenames():
    names = [a.filename for a in parse("attachment_hostile_names.eml").attachments]

    assert names[0] == "passwd"
    assert names[1] == "evil.exe"
    assert names[2].startswith("bad") and names[2].endswith(".txt")
    assert names[3].endswith(".pdf") and len(names[3]) <= 255
    assert names[4:] == ["attachment", "attachment"]  # no name, and ".."
    for name in names:
        assert name and "/" not in name and "\\" not in name
        assert not any(ord(char) < 32 or ord(char) == 127 for char in name)


def test_a_forwarded_message_is_an_eml_attachment_named_after_its_subject():
    mail = parse("forwarded_rfc822.eml")

    assert mail.subject == "Fwd: Užsakymas #1234"
    assert mail.text == "Please look at the customer's mail below."
    [forwarded] = mail.attachments
    assert forwarded.filename == "Užsakymas #1234.eml"
    assert forwarded.content_type == "message/rfc822"
    assert forwarded.inline is False
    inner = parse_email(forwarded.content)
    assert inner.message_id == "inner-1234@example.lt"
    assert inner.from_address == "petras@example.lt"


def test_a_forward_without_its_own_text_takes_the_forwarded_mails_text():
    mail = parse("forwarded_only.eml")

    assert mail.text == "Sveiki, užsakymas #1234 vėluoja jau savaitę."
    assert [a.filename for a in mail.attachments] == ["Užsakymas #1234.eml"]
    assert mail.from_address == "jonas@example.lt"  # the forwarder, not the original sender


def test_nested_multiparts_give_the_body_and_every_attachment():
    mail = parse("nested_multipart.eml")

    assert mail.from_name == "Rūta"
    assert mail.to == ["support@helpdesk.example", "second@helpdesk.example"]
    assert mail.text == "Plain version with a logo."
    assert mail.html == '<p>HTML version with a <img src="cid:logo"> logo.</p>'
    logo, report, data = mail.attachments
    assert (logo.content_id, logo.inline, logo.content_type) == ("logo", True, "image/png")
    assert logo.filename.startswith("attachment")  # a name is never empty
    assert logo.content.startswith(PNG_SIGNATURE)
    assert (report.filename, report.content) == ("report.pdf", b"%PDF-1.4\n")
    assert (data.filename, data.content_type, data.inline) == ("data.csv", "text/csv", False)


def test_a_mail_without_a_body_is_fine():
    mail = parse("no_body.eml")

    assert (mail.text, mail.html, mail.attachments) == ("", "", [])
    assert mail.from_address == "quiet@example.com"
    assert mail.from_name == ""
    assert mail.subject == ""
    assert mail.date is None  # "sometime last week"


def test_an_outlook_reply_keeps_the_whole_text_for_the_caller_to_trim():
    mail = parse("outlook_reply.eml")

    assert mail.from_address == "peter@corp.example"
    assert mail.to == ["support@helpdesk.example"]
    assert mail.in_reply_to == ["ticket-57-msg-2@helpdesk.example"]
    assert "Hello Peter, which invoice do you mean?" in mail.text
    assert trim_quoted(mail.text) == "Yes, the invoice number is 2024-117.\n\nBest regards\nPeter"
    assert mail.auto_submitted is False
