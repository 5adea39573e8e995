"""Lost and found property: a frontcounter service plugin."""
