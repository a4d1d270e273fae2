"""v2: the same API on Flask-JWT-Extended 4.x, with refresh, freshness, claims and logout."""
