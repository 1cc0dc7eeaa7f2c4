"""Demo data: the Atyrau regional branch with its structure, people and logins (`amanat demo-data`)."""
