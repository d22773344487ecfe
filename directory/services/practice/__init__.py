"""A therapist's practice: the profile, where it is on the map, publishing it."""
