"""Database adapters of the registry stage (new layout: one folder per stage)."""
