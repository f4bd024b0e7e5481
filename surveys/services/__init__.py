"""Writes of the surveys app (a package: definitions, answering, invitations)."""
