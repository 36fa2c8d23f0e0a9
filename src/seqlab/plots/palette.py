"""The colours of every seqlab figure, so one meaning keeps one colour across pictures.

Training is always blue and validation always orange (learning curves, the report);
what really happened is black, a model's prediction red, a baseline grey, the inputs a
model saw light grey; in box plots the mean is a green triangle and the
median a black line. Figures import these names instead of spelling colours.
"""

__all__ = ["TRAIN", "VALIDATION", "TRUTH", "PREDICTION", "BASELINE", "CONTEXT", "MEAN",
           "MEDIAN", "BEST"]

TRAIN = "tab:blue"
VALIDATION = "tab:orange"
TRUTH = "black"
PREDICTION = "tab:red"
BASELINE = "tab:gray"
CONTEXT = "0.6"
MEAN = "tab:green"
MEDIAN = "black"
#: The best-epoch marker's edge (its face takes the colour of the curve it marks).
BEST = "black"
