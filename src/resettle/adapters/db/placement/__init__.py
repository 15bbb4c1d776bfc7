"""Placement in the database adapter."""
