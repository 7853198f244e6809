"""Running a check: the engine, the schema step, suppression, and the parallel machinery."""
