"""Spaces (Group actors), memberships and roles."""
