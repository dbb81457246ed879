"""Routing: who works on a ticket (assignment.py; rules come next to it)."""
