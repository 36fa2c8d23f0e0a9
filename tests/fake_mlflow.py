"""A stand-in for the optional `mlflow` package: put it in ``sys.modules["mlflow"]`` and it
records every call the MLflow logger makes (tests/train, tests/cli)."""

import types


class FakeMlflow(types.ModuleType):
    """Records every call the logger makes, in order."""

    def __init__(self):
        super().__init__("mlflow")
        self.calls = []
        self.runs = 0

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)

        def record(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            if name == "start_run":
                self.runs += kwargs.get("run_id") is None
                run_id = kwargs.get("run_id") or f"run-{self.runs}"
                return types.SimpleNamespace(info=types.SimpleNamespace(run_id=run_id))
            return None

        return record

    def named(self, name):
        return [(args, kwargs) for called, args, kwargs in self.calls if called == name]
