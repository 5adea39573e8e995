"""Speed awareness and other driver education courses (NDORS-style): a frontcounter service plugin."""
