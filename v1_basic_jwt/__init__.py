"""v1: the course's API on Flask-JWT 0.3.2, the legacy app learners know."""
