"""Certifications: what therapists submit, admins' decisions, expiry, and confirming against a certifying body's roster."""
