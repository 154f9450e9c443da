"""Worker area: registrations views."""
