"""Documents: checked uploads behind a storage interface, and generated PDFs.

- uploads.store_upload(file, case, kind, allowed=..., max_bytes=...) checks and stores an upload
  (UploadRejected with a message to show when it is refused);
- pdf.render_pdf(template, **context) and pdf.generate_document(case, kind, template, filename, ...)
  make force-branded PDFs from templates that extend "pdf/base.html" (or pdf/letter.html,
  pdf/certificate.html);
- records.save_document / delete_document keep a Document row and its stored bytes together;
- storage.storage() is the app's Storage (local disk by default; see storage.py for object storage);
- access decides who may see a document; views serves GET /<force>/documents/<id>.
Templates for plugins: documents/upload.html, documents/upload_form.html (macros),
documents/generate.html, and the documents/case_documents.html partial.
"""
