"""Placement in the web adapter."""
