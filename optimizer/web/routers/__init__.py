"""The web app's routes, one router per resource: the pages, a list (solve, its workbook and report), the programs
(validate, score), the budget frontier, the scenarios, a comparison of lists, the profile."""

from optimizer.web.routers import compare, frontier, pages, profile, programs, scenarios, solve

ROUTERS = [module.router for module in (pages, solve, programs, frontier, scenarios, compare, profile)]
