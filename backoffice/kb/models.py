"""Models of the back office's kb (see issue 6)."""
