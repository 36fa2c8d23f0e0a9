"""Recipes: the source documents' experiments, runnable and checked (`seqlab run NAME`)."""

from seqlab.recipes.registry import (
    Outcome,
    Recipe,
    RecipeExperiment,
    RecipeResult,
    RunContext,
    get,
    names,
    run,
)

__all__ = ["get", "names", "run", "Recipe", "RecipeResult", "RunContext", "Outcome",
           "RecipeExperiment"]
