"""Simulation in the database adapter."""
