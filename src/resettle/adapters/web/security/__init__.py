"""Security in the web adapter."""
