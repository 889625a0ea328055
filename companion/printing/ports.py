"""The serial (COM / Bluetooth) ports this computer offers, for the printer set-up's list.

pyserial's Windows lister binds cfgmgr32 functions when it is imported; where one is missing (Wine 8 lacks
CM_MapCrToWin32Err, found by the Windows build's self-test under Wine) the import itself fails. So it is imported
only when the list is asked for, and a lister that cannot run gives an empty list: the owner can still type
"COM3" by hand."""

from __future__ import annotations


def serial_ports() -> list[tuple[str, str]]:
    """(device, description) of each serial port, sorted by device; [] when the ports cannot be listed here."""
    try:
        from serial.tools import list_ports

        found = list_ports.comports()
    except (ImportError, AttributeError, OSError):
        return []
    return sorted(((p.device, "" if not p.description or p.description == "n/a" else p.description)
                   for p in found), key=lambda port: port[0])
