"""Run a stage over many shards: locally on all cores or on a Dask cluster, with the same output.

A stage is a picklable factory returning an object with `process(records) -> records`; it is built
once per worker process, never per segment.
"""
