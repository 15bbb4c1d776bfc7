"""Registry in the web adapter."""
