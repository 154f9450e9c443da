"""Typed work that is not lost: drafts saved while typing, and forms kept over a log-in."""
