"""soudan: a Matrix application service for counseling and support chat.

This package must stay importable without its dependencies: the Synapse module and the
local-system bootstrap live here too and run before (or outside) soudan's environment.
"""

__version__ = "0.1.0"
