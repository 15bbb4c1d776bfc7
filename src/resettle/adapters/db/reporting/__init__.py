"""The reporting stage's database adapter: reads the registry and the case history."""
