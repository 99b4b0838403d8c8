"""aikg: build a knowledge graph of the AI ecosystem from reports, query and explore it."""

__version__ = "0.1.0"
