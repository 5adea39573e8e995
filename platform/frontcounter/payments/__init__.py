"""Payments: providers behind one interface, Payment and Refund rows, webhooks, reconciliation."""
