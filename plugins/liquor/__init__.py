"""Alcohol licensing, the police role under the Licensing Act 2003: a frontcounter service plugin."""
