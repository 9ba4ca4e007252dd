"""CLI floor, the top of the house: app.py owns the Typer app and the console helpers;
one module per command group registers its commands on it; main.py puts them together
(`provwatch` runs main.main). May import every floor below."""
