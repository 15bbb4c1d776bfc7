"""Reporting in the web adapter."""
