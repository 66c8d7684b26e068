"""Annotation: inline gold markup, Label Studio config/push/pull, inter-annotator agreement."""
