"""Worker area: evidence views."""
