"""The logic of the site: plain functions over models and values, free of request state."""
