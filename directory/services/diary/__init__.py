"""The headache diary: entries, sessions, the outcome measures, charts, sharing, CSV and reminders."""
