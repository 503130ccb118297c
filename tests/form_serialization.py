"""Every form a flow shows in a test is sent as Home Assistant's view sends it to the browser.

A flow test reads the form's schema in Python; the frontend gets it serialised
(`probatio.to_field_list` with `cv.custom_serializer`, as `helpers/data_entry_flow.py` does).
A validator that cannot be serialised passed every flow test and showed an empty "Error"
dialog instead of *Change board*'s form on the live stack.
"""

from __future__ import annotations

from typing import Any

import probatio
import pytest
from homeassistant.data_entry_flow import FlowHandler
from homeassistant.helpers import config_validation as cv


@pytest.fixture(autouse=True)
def forms_reach_the_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Serialise the schema of each form shown, failing the test where the view would."""
    show_form = FlowHandler.async_show_form

    def async_show_form(self: FlowHandler, **kwargs: Any) -> Any:
        result = show_form(self, **kwargs)
        if (schema := result.get("data_schema")) is not None:
            probatio.to_field_list(schema, custom_serializer=cv.custom_serializer)
        return result

    monkeypatch.setattr(FlowHandler, "async_show_form", async_show_form)
