"""Abuse-type classification: features, rule baseline, trained models with model cards, ILO roll-up."""
