"""The core: every operation that commands and the provisioning API offer, written once."""
