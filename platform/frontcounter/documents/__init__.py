"""Documents: checked uploads behind a storage interface, and generated PDFs."""
