"""Use cases. Keyword-only, typed, given the session; views call exactly one of them."""
