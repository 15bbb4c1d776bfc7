"""Command-line adapter (Typer and Rich)."""
