"""Departures: pre-departure checklists per host state, flight planning, movement tracking."""
