"""CLI floor, the top: app.py, one module per command group, main.py; may import every floor."""
