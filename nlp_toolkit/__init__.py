"""nlp_toolkit: interview transcripts of labour migrants -> coded, citable evidence.

The segment record (see `nlp_toolkit.segments`) flows through every stage:
corpus -> annotation -> models -> dataset -> quotes.
"""

__version__ = "0.1.0"
