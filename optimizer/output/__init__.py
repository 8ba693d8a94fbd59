"""What people read: terminal tables and JSON payloads (render*.py), workbooks, the HTML report and its templates, plots, and the one atomic writer (writers.py). Nothing here decides anything."""
