"""Worker area: development views."""
