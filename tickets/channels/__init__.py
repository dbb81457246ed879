"""Channels: how messages come in (email, web, chat, phone, social) and go out."""
