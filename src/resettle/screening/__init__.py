"""Screening: workflow state machine, categories and priorities, exclusion review, consent."""
