"""Confirming pending certifications against a certifying body's roster: reading the file, mapping its columns, matching rows, the preview, keeping the upload and applying it."""
