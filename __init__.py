"""provwatch: watch Chinese provincial policy news.

This file makes the repository's root the ``provwatch`` package when installed: the
folders the design fixes at the top (crawler/, spiders/, pipelines/, alerts/ and
settings.py) become provwatch.crawler, provwatch.spiders, provwatch.pipelines,
provwatch.alerts and provwatch.settings, so nothing named ``settings`` or ``alerts``
lands at the top of site-packages. pyproject.toml maps the package onto this folder.
"""
