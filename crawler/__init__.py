"""provwatch: watch Chinese provincial policy news."""

__version__ = "0.1.0"
