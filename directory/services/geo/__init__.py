"""Places: points and distances, the offline gazetteer and geocoding what visitors type."""
