"""Planners: who sits or pairs with whom. One module per planner (work in progress)."""
