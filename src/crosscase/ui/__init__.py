"""The PySide6 workbench: a thin face on the Qt-free core."""
