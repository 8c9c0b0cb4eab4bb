"""Tooling for developers, apart from the runtime: the local system and the test stack.

``python3 -m appservice.dev`` starts Synapse + soudan on SQLite; ``python3 -m appservice.dev
test`` runs the checks and the test suite. Nothing in the running service imports this
package. Its entry point runs on a bare Python with the standard library only.
"""
