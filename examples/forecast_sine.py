"""Forecast the next value of a noisy sine wave with an LSTM, in original units.

Run: .venv/bin/python examples/forecast_sine.py
"""

import numpy as np

from seqlab.data import MinMaxScaler, windows
from seqlab.models import ModelSpec, build, summary
from seqlab.train import EarlyStopping, Trainer

rng = np.random.default_rng(0)
steps = np.arange(400)
series = 50 + 10 * np.sin(2 * np.pi * steps / 25) + rng.normal(0, 0.3, len(steps))

scaler = MinMaxScaler()
scaled = scaler.fit_transform(series)
x, y = windows(scaled, n_in=12)  # x: (samples, 12, 1), y: (samples, 1)

model = build(ModelSpec(input_size=1, output_size=1, units=[16]), seed=0)
summary(model)
trainer = Trainer(model, optimizer="adam", lr=0.01, seed=0)
history = trainer.fit(
    x, y, epochs=40, batch_size=16, validation_split=0.2, verbose=0,
    callbacks=[EarlyStopping(patience=5, restore_best_weights=True)],
)
forecast = scaler.inverse_transform(trainer.predict(x[-1:]))[0, 0]
truth = series[-1]
print(f"epochs run: {len(history)}, best val_loss: {min(history['val_loss']):.5f}")
print(f"last window's forecast {forecast:.2f} vs actual {truth:.2f}")
