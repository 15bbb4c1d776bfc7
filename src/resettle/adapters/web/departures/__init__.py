"""Departures in the web app: the REST API and the pages, on the departures service."""
