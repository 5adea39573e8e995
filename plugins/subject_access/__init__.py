"""Subject access requests (UK GDPR and DPA 2018 Part 3): a frontcounter service plugin."""
