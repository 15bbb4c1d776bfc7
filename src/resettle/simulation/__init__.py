"""Simulation: synthetic worlds (scenario generators) and the operation simulator."""
