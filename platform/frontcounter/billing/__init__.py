"""Billing: the platform's per-transaction prices, force onboarding, and monthly statements to each force."""
