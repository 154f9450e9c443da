"""Worker area: entries views."""
