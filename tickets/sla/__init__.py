"""Service-level agreements: policies, deadlines kept in ticket columns, and the sweep that fires
warnings and breaches (see engine.py and clock.py, and the README's "SLA" section)."""
