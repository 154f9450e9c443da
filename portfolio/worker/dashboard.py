"""Worker area: dashboard views."""
