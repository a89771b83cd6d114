"""The clearing flow (清卡, SPEC "Clearing"): plain Python below both front-ends.

Each use case takes the acting ``Session``, checks the role, journals its step in the store
before the disk hears of it, and writes the audit entry; the F4 wizard and ``fapiao clear``
only present what these functions return. Modules: ``model`` (kinds, results, errors),
``preflight`` (the checks), ``scan`` (SUMMARY beside the store, the recommended kind),
``steps`` (upload, report, clear, reconcile), ``history`` (the log).
"""
