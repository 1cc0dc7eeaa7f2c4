"""Accounts pages: login and security (auth), the user's own profile, people and roles (staff)."""
