"""Email in from hostile senders: forged participants, foreign plus-addresses, CCs only from the requester."""

from tests.factories import CustomerFactory, OrganizationFactory, UserFactory
from tests.tickets.test_email_in import make_email, receive


def test_a_forged_staff_sender_cannot_join_a_ticket_or_add_ccs(mailbox):
    UserFactory(role="agent", email="ona@helpdesk.test")
    ticket = receive(make_email(message_id="<q@example.lt>"), mailbox).ticket

    forged = receive(
        make_email(sender="ona@helpdesk.test", subject=f"Re: [#{ticket.pk}]", cc="thief@evil.test"), mailbox
    )

    assert forged.ticket_id != ticket.pk
    assert not ticket.ccs.exists()


def test_a_plus_address_counts_only_on_our_own_mailbox(mailbox):
    ticket = receive(make_email(), mailbox).ticket

    elsewhere = receive(make_email(subject="hi", to=f"anything+{ticket.pk}@other.test"), mailbox)

    assert elsewhere.ticket_id != ticket.pk


def test_a_colleague_replying_cannot_add_ccs_only_the_requester_can(mailbox):
    organization = OrganizationFactory()
    CustomerFactory(email="ruta@example.lt", organization=organization)
    CustomerFactory(email="jonas@example.lt", organization=organization)
    ticket = receive(make_email(message_id="<o@example.lt>"), mailbox).ticket

    receive(make_email(sender="jonas@example.lt", in_reply_to="<o@example.lt>", cc="x@evil.test"), mailbox)
    receive(make_email(in_reply_to="<o@example.lt>", cc="boss@example.lt"), mailbox)

    assert list(ticket.ccs.values_list("email", flat=True)) == ["boss@example.lt"]


def test_an_agent_answering_from_their_mail_client_adds_an_internal_note_never_a_reply(mailbox):
    agent = UserFactory(role="agent", email="ona@helpdesk.test", full_name="Ona Agentė")
    mailbox.team.members.add(agent)
    ticket = receive(make_email(message_id="<q@example.lt>"), mailbox).ticket

    inbound = receive(
        make_email(
            sender="Ona <ONA@helpdesk.test>",
            subject=f"Re: [#{ticket.pk}] Printer is on fire",
            cc="thief@evil.test",
            body="Pakeiskite kasetę.",
        ),
        mailbox,
    )

    assert (inbound.ticket_id, inbound.status) == (ticket.pk, "reply")
    note = inbound.ticket_message
    assert (note.public, note.author_kind, note.channel) == (False, "system", "email")
    assert "Ona Agentė" in note.body_text and "cannot be verified" in note.body_text
    assert "Pakeiskite kasetę." in note.body_text
    assert not ticket.ccs.exists()
