"""The JSON API for force systems (flask-smorest, OpenAPI at /api/openapi.json)."""
