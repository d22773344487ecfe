"""Outcomes on profiles: consent to count, each counted patient's result, the figures, their disclosure and the refresh."""
