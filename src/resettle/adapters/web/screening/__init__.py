"""Screening in the web adapter."""
