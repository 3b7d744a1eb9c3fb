"""The button row of a dialog that acts: its action button answers Return.

A dialog's Cancel button must never be the default, or Return in a field
cancels instead of acting (a fault tests once found in the export dialog).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton


def action_buttons(
    dialog: QDialog, label: str, on_accept: Callable[[], None]
) -> tuple[QDialogButtonBox, QPushButton]:
    """OK (renamed ``label``, the default: Return presses it) and Cancel (never
    the default); OK calls ``on_accept``, which checks and accepts, Cancel rejects."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    action = buttons.button(QDialogButtonBox.StandardButton.Ok)
    action.setText(label)
    action.setDefault(True)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
    buttons.accepted.connect(on_accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, action
