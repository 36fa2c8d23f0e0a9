"""Recipes: the source documents' experiments, runnable and checked (`seqlab run NAME`)."""

from seqlab.recipes.registry import (
    Outcome,
    Recipe,
    RecipeResult,
    RunContext,
    get,
    names,
    run,
)
from seqlab.recipes.text_training import TextTrainingConfig, train_text

__all__ = ["get", "names", "run", "Recipe", "RecipeResult", "RunContext", "Outcome",
           "train_text", "TextTrainingConfig"]
