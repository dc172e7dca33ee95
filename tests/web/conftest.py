"""The web tests' shared fixtures: a planned mini cycle (``planned``) and the real app on
a real server (``site``), defined with the tests that first needed them."""

from tests.web.test_answers import planned, sink, site  # noqa: F401
