"""Batch scoring: every video under a folder, one result folder each, a tidy summary table; resumable.

The per-video work (:func:`movement_screen.batch.worker.score_video`) is the same on local worker processes and
on a Dask cluster.
"""
