"""Notifications to desk staff: who hears of what (recipients.py), the fan-out into rows
(fanout.py), emails at most once and hourly digests (email.py), the bell and inbox (views.py)."""
