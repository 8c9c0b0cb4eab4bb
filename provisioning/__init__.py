"""The HTTP provisioning API, mounted on the appservice's web server."""
