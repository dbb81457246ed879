"""Callbacks booked in the portal: free slots from the rosters (`slots`), booking, cancelling, moving
and reminding (`services`), and the emails with their calendar files (`emails`)."""
