"""Admins keeping the site safe: moderating reviews and accounts, and the dashboard's figures."""
