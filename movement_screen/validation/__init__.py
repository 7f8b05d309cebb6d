"""Checks of the verdicts against known answers: a synthetic figure seen by many cameras, and labelled real clips."""
