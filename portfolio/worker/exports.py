"""Worker area: exports views."""
