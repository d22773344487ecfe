"""Patients and practitioners meeting: consultation requests and reviews."""
