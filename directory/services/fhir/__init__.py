"""The FHIR R4 read API's rules: resources built from listed practices, search parameters, searchset bundles, outcomes."""
