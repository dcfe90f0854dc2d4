"""Wellness: page types and the models behind employees' interactions."""
