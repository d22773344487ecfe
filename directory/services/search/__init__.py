"""Finding practitioners: the listing kept in step with profiles, nearby search, ratings."""
