"""Security in the database adapter."""
