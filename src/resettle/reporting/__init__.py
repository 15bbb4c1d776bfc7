"""Reporting: aggregations, figures, HXL export, reports."""
