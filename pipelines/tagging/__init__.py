"""Tagging: provinces (about / mentioned), sectors and event kind from title and text."""

from provwatch.pipelines.tagging.tagger import Tagger, default_tagger

__all__ = ["Tagger", "default_tagger"]
