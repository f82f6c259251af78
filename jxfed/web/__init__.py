"""The Quart application: thin handlers that parse, authorise, call a service and render."""
