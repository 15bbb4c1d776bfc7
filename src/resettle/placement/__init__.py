"""Placement: decide where each case goes, under capacities and every protection rule."""
