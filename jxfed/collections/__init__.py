"""Ordered collections and their cursor-based pages."""
