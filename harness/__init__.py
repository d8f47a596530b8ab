"""Support shared by the tests and the benchmark: private servers, free ports, the citizen-question judge.

Not product code: nothing under kb/, nlp/, actions/ or bot/ imports it.
"""
