"""Putaway: goods received at input taken to the bin Floor suggests."""
