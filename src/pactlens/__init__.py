"""pactlens: typed, grounded summaries of news articles about agreements."""

__version__ = "0.1.0"
