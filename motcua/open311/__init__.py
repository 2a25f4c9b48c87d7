"""The Open311 GeoReport v2 API at /open311/v2/, mapped onto the feedback cases (issue 12, part 4)."""
