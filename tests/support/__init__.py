"""Helpers the tests share (fixture builders), not tests themselves."""
