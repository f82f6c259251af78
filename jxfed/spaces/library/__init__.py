"""A space's shared library: folders, files and notes, each change an immutable revision,
every content in the content-addressed store, every access in a hash-chained audit trail."""
