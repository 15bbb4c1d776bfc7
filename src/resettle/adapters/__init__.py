"""The edges: database, web and command line. Only these import SQLAlchemy, FastAPI, Typer."""
