"""SmartPick's command line, at the top of the repository: `python cli.py ...` or `python -m cli ...` from a
checkout. The implementation lives in the package (optimizer/cli.py), which the installed `smartpick` command
runs; the wheel installs only the package's own names."""

from optimizer.cli import main

if __name__ == "__main__":
    main()
