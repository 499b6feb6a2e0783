"""Report figures (figures.md) for any period: computation, text, JSON, chart and Word report."""
