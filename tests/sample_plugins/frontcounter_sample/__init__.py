"""A sample service plugin ("parking permits") that the tests install like a third-party plugin."""
