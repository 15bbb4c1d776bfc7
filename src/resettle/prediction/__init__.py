"""Prediction: integration-outcome models and their honest evaluation."""
