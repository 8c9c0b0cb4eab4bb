"""The core: every operation that commands and the provisioning API offer, written once.

The features import one another only downward, in this order (a module may import those
after it, never one before it)::

    nominations → letters → sessions → tenants → staff → rejoin → board → routing → clients
    → groups → statements → history → shown_once

and under all of them the case-room toolkit (``appservice.caseroom``), which imports no
feature, only the leaves: records → notify → polls → permissions → validate → errors. The
pipeline (``appservice.pipeline``) is above every feature and no feature imports it. Where a
feature must react to what another owns (an operator or a client leaves, a case is closed),
it lists a handler in its ``HOOKS`` table, which the program adds at start (``hooks.py``)."""
