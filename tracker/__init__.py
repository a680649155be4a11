"""tracker: turn half-year work plans into tracked tasks with targets."""

__version__ = "0.1.0"
