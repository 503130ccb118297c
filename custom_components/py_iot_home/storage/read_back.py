"""Reading a store's file back when Home Assistant's own reading of it may raise.

Store.async_load raises for a file of a newer major version (a backup of a newer release
restored onto this one, a downgrade), of an older one nothing migrates, or whose wrapper
lost its ``version`` or ``data`` (a hand edit): raised out of set-up, it failed the home
entry, with every board and forecast in it, at every start. What each store holds is ours
to rebuild (levels, counters, samples, a model), so such a file is read as none.
"""

from __future__ import annotations

from typing import Any

from homeassistant.exceptions import UnsupportedStorageVersionError
from homeassistant.helpers.storage import Store

from ..const import LOGGER


async def async_read_back(store: Store[Any]) -> object:
    """What ``store``'s file holds, unchecked; None when there is none or it cannot be read.

    An unreadable file is one warning; the store's next save replaces it with this release's.
    """
    try:
        return await store.async_load()
    except UnsupportedStorageVersionError as err:
        LOGGER.warning(
            "%s was written by a newer release of py_iot_home (version %s, this one reads %s);"
            " started without it",
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
