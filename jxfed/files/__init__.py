"""Files: uploaded content stored once per SHA-256 under the instance folder (media now,
the shared library next), used by the client API, the command line and the pages alike."""
