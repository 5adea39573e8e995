"""Tests of the firearms licensing plugin."""
