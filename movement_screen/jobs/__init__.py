"""The analysis queue: analyses asked for in the app run in worker processes, not in the page (records: the
jobs in the store; run: one job in a worker; pool: the Dask pool that runs them; sweep: files nothing records)."""
