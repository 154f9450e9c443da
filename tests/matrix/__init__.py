"""Access-matrix rows per area. Each module defines GET and POST dicts (endpoint → principal →
status), optionally POST_DATA (endpoint → form data) and `arrange(db, users) -> dict` returning
URL argument values (e.g. {"entry_id": 3}, or {"supervisor.review_entry:entry_id": 4} for one
endpoint only) for the objects its routes need. The worker
principal owns the objects unless the module says otherwise."""
