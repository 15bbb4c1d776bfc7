"""Departures on the database: checklists, items, flights, bookings, arrival caps."""
