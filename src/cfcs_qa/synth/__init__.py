"""The synthetic extract generator behind ``cfcs-qa sample-data``.

``writer.write_sample_data(SynthOptions(...), folder)`` writes every contract table as CSV;
``generate.build(options)`` gives the tables in memory. Everything is vectorised numpy, seeded
with ``numpy.random.Generator(PCG64(seed))``: same options, same bytes.
"""
