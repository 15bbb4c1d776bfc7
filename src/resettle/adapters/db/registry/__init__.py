"""Registry in the database adapter."""
