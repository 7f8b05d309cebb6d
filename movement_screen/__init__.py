"""movement-screen: scores functional movement screens from video (a screen, not a diagnosis)."""

__version__ = "0.1.0"

SCHEMA_VERSION = "1.11"
