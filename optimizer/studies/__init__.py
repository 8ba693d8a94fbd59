"""Many lists at once, each through the pipeline: what-if scenarios side by side (scenarios.py), saved lists
re-evaluated and compared (compare.py), and the model's calibration against published outcomes, which solves whole
populations of applicants (calibration.py). Above the solver and the pipeline; below the presentation and the doors."""
