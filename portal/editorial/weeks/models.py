"""Themed weeks: page types and the models behind employees' interactions."""
