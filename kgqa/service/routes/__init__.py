"""The HTTP routes, one router per topic."""
