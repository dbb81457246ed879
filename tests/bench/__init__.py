"""`make bench`: seed a million tickets into their own database and time the desk's pages.

See tests/bench/__main__.py for the command line; seed.py loads the data, measure.py times it.
"""
