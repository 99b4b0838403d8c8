"""The RDF graph: namespaces, conversion from extraction records, deterministic Turtle."""
