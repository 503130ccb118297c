"""Errors shared by the hardware backends."""


class HardwareError(Exception):
    """Base class for every hardware backend error."""


class HardwareUnavailableError(HardwareError):
    """No usable library or device for the requested backend on this machine."""
