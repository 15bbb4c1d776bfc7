"""Benchmarks: each module has a ``main()`` that compares against a named baseline in one run."""
