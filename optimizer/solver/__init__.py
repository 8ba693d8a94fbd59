"""Choosing lists: the linear model and its backends (linear.py), the portfolio model (optimize.py), risk objectives (nonlinear.py), the budget frontier, infeasibility diagnosis. Scenarios and comparison run whole lists and live above, in studies/."""

DEFAULT_TIME_LIMIT = 60.0  # seconds the solver may use for one list: `solve --time-limit`, api.solve and batch
