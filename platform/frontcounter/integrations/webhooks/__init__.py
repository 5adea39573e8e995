"""Per-force webhooks: endpoints, events, signed deliveries through the outbox, retries, logs and replay."""
