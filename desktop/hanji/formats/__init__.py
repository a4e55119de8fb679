"""Reading and writing the dataset formats people already have; one module per format.

``hanji.formats.registry`` maps a format name to its module and detects formats. The modules are
pure of the project store: they read files into :class:`hanji.formats.base.Sample` records and
write records into files; ``hanji.jobs.transfer`` moves records in and out of a project.
"""
