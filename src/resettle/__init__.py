"""resettle: run a refugee resettlement operation from registration to departure."""

__version__ = "0.1.0"
