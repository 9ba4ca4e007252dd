"""Web floor: `provwatch serve`, the ASGI app over the archive (app.py), its safety
(security.py), the helpers every view shares, and one module per view in views/.

It imports services and the floors below them (config, taxonomy, chinatime); never the
daemon, demo or cli floors, and never storage's queries directly: a view calls a service.
"""
