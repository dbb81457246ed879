"""How an email shows on the ticket page: inline images (cid:) served from the stored attachment,
only ever as a raster image and only to someone who may see the ticket; a reply's quoted history
and signature folded away, the full email one click away."""

from tests.factories import UserFactory
from tests.tickets.mime_corpus import MIME, PNG_SIGNATURE
from tests.tickets.test_email_in import make_email, receive
from tickets.models import Message


def test_a_cid_image_points_at_its_stored_attachment(mailbox):
    receive((MIME / "related_inline_image.eml").read_bytes(), mailbox)

    message = Message.objects.get()
    image = message.attachments.get()
    assert "cid:" not in message.body_html
    assert f'src="/desk/attachments/{image.token}/image/"' in message.body_html


def test_a_cid_that_names_no_attachment_is_dropped(db):
    from tickets.channels.email_in import receive_email

    raw = make_email(html='<p>Logo: <img src="cid:missing@x" alt="logo"></p>')
    message = receive_email(raw=raw).inbound.ticket_message

    assert "cid:" not in message.body_html and 'alt="logo"' in message.body_html


def test_agents_see_the_image_inline_and_nobody_else_does(mailbox, desk, ona):
    mailbox.team.members.add(ona)
    receive((MIME / "related_inline_image.eml").read_bytes(), mailbox)
    image = Message.objects.get().attachments.get()
    url = f"/desk/attachments/{image.token}/image/"

    response = desk.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(PNG_SIGNATURE)
    assert "attachment" not in response.get("Content-Disposition", "")

    desk.force_login(UserFactory(role="agent"))  # an agent of another team
    assert desk.get(url).status_code == 404
    desk.logout()
    assert desk.get(url).status_code == 302


def test_a_file_that_is_not_a_raster_image_is_never_shown_inline(mailbox, desk, ona):
    mailbox.team.members.add(ona)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    receive(make_email(attachment=("evil.png", svg, "image/png")), mailbox)
    attachment = Message.objects.get().attachments.get()

    assert desk.get(f"/desk/attachments/{attachment.token}/image/").status_code == 404
    assert desk.get(f"/desk/attachments/{attachment.token}/").status_code == 200  # still downloadable


def test_a_replys_quoted_history_is_folded_away_but_kept(mailbox, desk, ona):
    mailbox.team.members.add(ona)
    receive((MIME / "reply_with_history.eml").read_bytes(), mailbox)
    message = Message.objects.get()

    assert message.metadata["trimmed_html"].startswith("<p>Thanks, it works again after the reset.")
    assert "please try to reset" not in message.metadata["trimmed_html"]
    assert "please try to reset your password" in message.body_text  # the full text stays
    page = desk.get(f"/desk/tickets/{message.ticket_id}/").content.decode()
    assert "Show the whole email" in page and "please try to reset your password" in page


def test_an_email_without_history_is_shown_as_it_is(mailbox):
    receive(make_email(body="Just one line."), mailbox)

    assert "trimmed_html" not in Message.objects.get().metadata
