"""What several blueprints share: the page helpers, labels and forms they all render."""
