"""Referral: dossiers to host states, vetting decisions, re-placement, departures."""
