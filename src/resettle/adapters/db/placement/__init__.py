"""The placement stage on the database: the store the placement service reads and writes."""
