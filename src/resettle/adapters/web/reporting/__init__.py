"""The reporting stage on the web: the monthly report and the HXL aggregates."""
