"""Models of the back office's rosters (see issue 6)."""
