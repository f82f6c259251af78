"""Local members, space actors, the instance actor, their keys and documents."""
