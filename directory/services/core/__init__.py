"""What every domain leans on: accounts and passwords, mail, the audit trail, checking uploads, text folding, bulk inserts, the vocabulary tables."""
