"""Screening in the database adapter."""
