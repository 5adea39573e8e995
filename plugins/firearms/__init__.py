"""Firearm and shotgun certificate licensing (England and Wales): a frontcounter service plugin."""
