"""The web layer: national and force pages, templating, assets, errors, health."""
