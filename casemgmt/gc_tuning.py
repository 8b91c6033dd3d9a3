"""Garbage-collector settings for a served process, applied once the app is loaded.

A printed form allocates many short-lived objects (WeasyPrint's boxes and styles); with the
default thresholds the collector runs full passes over every long-lived object of the loaded
app (models, their history twins, URL patterns, templates, translations) while it renders.
Freezing what exists after start-up and collecting the young generation less often takes an
8-item plan from 0.31 s to 0.25 s and a 40-item one from 0.95 s to 0.77 s (bench/bench_pdf.py).
"""

import gc

THRESHOLDS = (20_000, 50, 100)


def tune():
    gc.collect()
    gc.freeze()  # the start-up objects are never garbage: keep them out of every pass
    gc.set_threshold(*THRESHOLDS)
