"""Automation rules: conditions.py says whether a rule holds for a ticket, engine.py runs rules and
takes their actions (see tickets/models/rules.py and the README's "Rules" section)."""
