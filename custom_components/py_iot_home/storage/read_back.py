"""Reading a store's file back when Home Assistant's own reading of it may raise.

Store.async_load raises for a file of a newer major version (a backup of a newer release
restored onto this one, a downgrade), of an older one nothing migrates, or whose wrapper
lost its ``version`` or ``data`` (a hand edit): raised out of set-up, it failed the home
entry, with every board and forecast in it, at every start. Such a file is read as none.
A newer release's file is left as it is (the store made read-only, as Home Assistant
does when it starts without a store it cannot read): this release runs without it, and
going back to the newer release finds it again. Anything else is ours to rebuild (levels,
counters, samples, a model), and the store's next save replaces it.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakSet

from homeassistant.exceptions import UnsupportedStorageVersionError
from homeassistant.helpers.storage import Store

from ..const import LOGGER

_KEPT_FOR_A_NEWER_RELEASE: WeakSet[Store[Any]] = WeakSet()


async def async_read_back(store: Store[Any]) -> object:
    """What ``store``'s file holds, unchecked; None when there is none or it cannot be read.

    An unreadable file is one warning. A newer release's stays as it is: ``store`` writes
    nothing from then on. Any other is replaced by the store's next save.
    """
    try:
        return await store.async_load()
    except UnsupportedStorageVersionError as err:
        store.make_read_only()
        _KEPT_FOR_A_NEWER_RELEASE.add(store)
        LOGGER.warning(
            "%s was written by a newer release of py_iot_home (version %s, this one reads %s):"
            " left untouched for that release; this one runs without it, and what it would"
            " store there does not outlive a restart",
            store.key,
            err.found_version,
            store.version,
        )
    except (NotImplementedError, KeyError, TypeError) as err:
        # NotImplementedError: Store's migration of an older major version it has no step for.
        LOGGER.warning(
            "%s cannot be read (version or data missing or of another kind: %s %.100s);"
            " started without it",
            store.key,
            type(err).__name__,
            err,
        )
    return None


def kept_for_a_newer_release(store: Store[Any]) -> bool:
    """Whether ``store``'s file is a newer release's, left as it is: not to be removed."""
    return store in _KEPT_FOR_A_NEWER_RELEASE
