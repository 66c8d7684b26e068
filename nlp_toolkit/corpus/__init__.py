"""Corpus: transcript readers, turn splitting, metadata, language ID, pseudonymisation, ingest."""
