"""The model as plain arrays, and training in a subprocess."""

import io
import json
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from custom_components.py_iot_home.prediction import (
    FEATURE_NAMES,
    HourlyHistory,
    PowerModel,
    fit_power_model,
)
from custom_components.py_iot_home.prediction.export import (
    TrainingRequest,
    model_from_bytes,
    model_to_bytes,
    request_from_bytes,
    request_to_bytes,
)
from custom_components.py_iot_home.prediction.worker import train_in_subprocess

from .conftest import TRAIN_HOURS, heated_home


def _rewrite(data: bytes, **changes: object) -> bytes:
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays.update(changes)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_exported_model_forecasts_like_the_fitted_one(
    trained: PowerModel, hourly: pd.DataFrame
) -> None:
    exported = model_from_bytes(model_to_bytes(trained))
    assert exported.methods == trained.methods
    assert exported.groups == trained.groups
    for end in range(TRAIN_HOURS, len(hourly), 97):
        history = hourly.iloc[:end]
        fitted, again = trained.forecast(history), exported.forecast(history)
        np.testing.assert_allclose(again.power_w, fitted.power_w, rtol=1e-12)
        np.testing.assert_allclose(again.low_w, fitted.low_w, rtol=1e-12)
        np.testing.assert_allclose(again.high_w, fitted.high_w, rtol=1e-12)


def test_training_in_a_subprocess_gives_the_same_model() -> None:
    home = heated_home(days=30)
    request = TrainingRequest(
        history=HourlyHistory.from_frame(home.iloc[:-24]),
        weather_forecast=True,
        excluded_days=[date(2026, 1, 20)],
        exclude_outliers=True,
    )
    assert request_from_bytes(request_to_bytes(request)).excluded_days == [date(2026, 1, 20)]
    in_process = fit_power_model(
        home.iloc[:-24],
        weather_forecast=True,
        excluded_days=[date(2026, 1, 20)],
        exclude_outliers=True,
    )
    child = train_in_subprocess(request)
    assert child.excluded_days == in_process.excluded_days >= 1
    future = home.iloc[-24:][["temperature"]]
    np.testing.assert_allclose(
        child.predict(home.iloc[:-24], future),
        in_process.predict(home.iloc[:-24], future),
        rtol=1e-9,
    )


def test_not_enough_history_comes_back_from_the_subprocess() -> None:
    from custom_components.py_iot_home.prediction import NotEnoughHistoryError

    short = HourlyHistory.from_frame(heated_home(days=5))
    with pytest.raises(NotEnoughHistoryError) as caught:
        train_in_subprocess(TrainingRequest(history=short))
    assert caught.value.hours_missing == 14 * 24 - 5 * 24


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"coef": np.zeros((24, 3))}, "shape"),
        ({"intercept": np.full(24, np.nan)}, "non-finite"),
        ({"methods": np.array(["rm -rf"] * 24)}, "unknown methods"),
        ({"meta": np.array('{"version": 99}')}, "another version"),
        # Saved files read back (hand-edited or damaged): any of these forecast wrong numbers
        # (a scale of 0 or below standardises every input wrongly) or raised.
        ({"scale": np.zeros(len(FEATURE_NAMES))}, "scales"),
        ({"scale": np.full(len(FEATURE_NAMES), -1.0)}, "scales"),
        ({"coef": np.zeros((24, len(FEATURE_NAMES)), complex)}, "not real numbers"),
        ({"mean": np.full(len(FEATURE_NAMES), "1")}, "not real numbers"),
        ({"band": np.zeros((24, 2), bool)}, "not real numbers"),
    ],
    ids=[
        "coef_shape",
        "intercept_nan",
        "methods",
        "version",
        "scale_zero",
        "scale_negative",
        "coef_complex",
        "mean_text",
        "band_bool",
    ],
)
def test_a_model_that_does_not_fit_is_refused(
    trained: PowerModel, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        model_from_bytes(_rewrite(model_to_bytes(trained), **changes))


def test_a_model_saved_before_the_sunday_inputs_is_refused(trained: PowerModel) -> None:
    """Same format version, fewer inputs: its coefficients would meet the wrong columns."""
    kept = [i for i, name in enumerate(FEATURE_NAMES) if not name.startswith("sunday")]
    with np.load(io.BytesIO(model_to_bytes(trained)), allow_pickle=False) as archive:
        meta = json.loads(str(archive["meta"]))
        old = {name: archive[name][..., kept] for name in ("mean", "scale", "coef")}
    meta["features"] = [FEATURE_NAMES[i] for i in kept]
    saved = _rewrite(model_to_bytes(trained), meta=np.array(json.dumps(meta)), **old)
    with pytest.raises(ValueError, match="another version of the features"):
        model_from_bytes(saved)


def test_a_model_saved_before_the_rule_band_is_refused(trained: PowerModel) -> None:
    """Version 1 had no band for each group's best rule: the guard could not use the rule."""
    with np.load(io.BytesIO(model_to_bytes(trained)), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files if name != "rule_band"}
    meta = json.loads(str(arrays["meta"])) | {"version": 1}
    arrays["meta"] = np.array(json.dumps(meta))
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with pytest.raises(ValueError, match="another version"):
        model_from_bytes(buffer.getvalue())


def test_the_rule_band_is_saved(trained: PowerModel) -> None:
    np.testing.assert_array_equal(
        model_from_bytes(model_to_bytes(trained)).rule_band, trained.rule_band
    )


def test_a_pickle_is_never_loaded(trained: PowerModel) -> None:
    bad = _rewrite(model_to_bytes(trained), methods=np.array([object()] * 24, dtype=object))
    with pytest.raises(ValueError, match="pickle"):
        model_from_bytes(bad)


class _Stream:
    """A text stream stand-in with the binary `buffer` the worker reads and writes."""

    def __init__(self, data: bytes = b"") -> None:
        self.buffer = io.BytesIO(data)

    def write(self, text: str) -> int:
        return self.buffer.write(text.encode())


def test_worker_main_answers_on_its_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child's side, run in this process: a model on stdout, or the missing hours."""
    from custom_components.py_iot_home.prediction import worker

    home = HourlyHistory.from_frame(heated_home(days=20))
    stdout = _Stream()
    monkeypatch.setattr("sys.stdin", _Stream(request_to_bytes(TrainingRequest(history=home))))
    monkeypatch.setattr("sys.stdout", stdout)
    assert worker.main() == 0
    model = model_from_bytes(stdout.buffer.getvalue())
    assert len(model.predict(heated_home(days=20))) == 24

    short = HourlyHistory.from_frame(heated_home(days=3))
    stdout = _Stream()
    monkeypatch.setattr("sys.stdin", _Stream(request_to_bytes(TrainingRequest(history=short))))
    monkeypatch.setattr("sys.stdout", stdout)
    assert worker.main() == worker.NOT_ENOUGH_HISTORY
    assert b'"needed_hours": 336' in stdout.buffer.getvalue()


def test_a_failing_child_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child that dies (here: an interpreter that is not Python) raises, with its words."""
    from custom_components.py_iot_home.prediction import worker

    monkeypatch.setattr(worker.sys, "executable", "/bin/false")
    with pytest.raises(worker.TrainingFailedError, match="exit status 1"):
        worker.train_in_subprocess(
            TrainingRequest(history=HourlyHistory.from_frame(heated_home(days=3)))
        )


def test_a_child_that_gives_no_answer_in_time_is_a_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`subprocess.TimeoutExpired` went up to the coordinator: a traceback every hour, and
    the forecast unavailable although its last model was fine."""
    from custom_components.py_iot_home.prediction import worker

    hung = tmp_path / "python"
    hung.write_text("#!/bin/sh\nexec sleep 30\n")
    hung.chmod(0o755)
    monkeypatch.setattr(worker.sys, "executable", str(hung))
    # Five minutes for a training, as a Pi has, would be five minutes of this test.
    monkeypatch.setattr(worker, "TIMEOUT_S", 0.5)
    started = time.monotonic()
    with pytest.raises(worker.TrainingFailedError, match=r"^no answer within 0.5 s$"):
        worker.train_in_subprocess(
            TrainingRequest(history=HourlyHistory.from_frame(heated_home(days=3)))
        )
    assert time.monotonic() - started < 10  # the child is killed, not waited for


def test_the_next_hour_carry_is_saved(trained: PowerModel) -> None:
    assert model_from_bytes(model_to_bytes(trained)).next_hour_carry == trained.next_hour_carry


@pytest.mark.parametrize("carry", [None, -0.1, 1.5, "0.3", True])
def test_a_model_without_a_valid_next_hour_carry_is_refused(
    trained: PowerModel, carry: object
) -> None:
    """Version 2 had no carry: its next hour would forecast without the last hour's miss."""
    with np.load(io.BytesIO(model_to_bytes(trained)), allow_pickle=False) as archive:
        meta = json.loads(str(archive["meta"]))
    if carry is None:
        del meta["next_hour_carry"]
    else:
        meta["next_hour_carry"] = carry
    with pytest.raises(ValueError, match="next_hour_carry"):
        model_from_bytes(_rewrite(model_to_bytes(trained), meta=np.array(json.dumps(meta))))


@pytest.mark.parametrize(
    ("version", "without"),
    # 3: the carry, not yet the pair of rules; 5: not yet the last hour's end power.
    [(2, "next_hour_carry"), (3, None), (5, None)],
    ids=["before_the_carry", "before_the_rule_pair", "before_the_end_power"],
)
def test_a_model_saved_by_an_earlier_format_is_refused(
    trained: PowerModel, version: int, without: str | None
) -> None:
    with np.load(io.BytesIO(model_to_bytes(trained)), allow_pickle=False) as archive:
        meta = json.loads(str(archive["meta"])) | {"version": version}
    if without:
        del meta[without]
    with pytest.raises(ValueError, match="another version"):
        model_from_bytes(_rewrite(model_to_bytes(trained), meta=np.array(json.dumps(meta))))
