"""Torch models: a small zoo of predictors that take numpy images and return domain objects.

Importing this package does not import torch; the submodules that need it do, lazily from jobs.
"""
