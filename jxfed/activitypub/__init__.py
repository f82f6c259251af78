"""The protocol: documents, HTTP signatures, proofs, allowlist policy, inbox and delivery."""
