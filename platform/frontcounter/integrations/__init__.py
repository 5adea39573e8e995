"""Outbound integration: signed webhooks to a force's systems and adapters that push cases to its records system."""
