"""Models of the back office's billing (see issue 6)."""
