"""One look for the whole app: large type and big targets for a busy counter."""

STYLE = """
QWidget { font-size: 11pt; }
QPushButton { min-height: 38px; padding: 4px 14px; }
QPushButton[primary="true"] { background: #1b7a43; color: white; font-weight: bold; border-radius: 4px; }
QPushButton[primary="true"]:disabled { background: #9cbfa9; }
QLineEdit, QSpinBox, QComboBox { min-height: 34px; }
QListWidget#nav { font-size: 13pt; background: #f3f5f4; border: none; }
QListWidget#nav::item { min-height: 48px; padding-left: 12px; }
QListWidget#nav::item:selected { background: #1b7a43; color: white; }
QLabel[role="title"] { font-size: 18pt; font-weight: bold; }
QLabel[role="big"] { font-size: 26pt; font-weight: bold; color: #1b7a43; }
QLabel[role="error"] { color: #b00020; }
QLabel[role="hint"] { color: #555; }
QFrame[role="card"] { background: #ffffff; border: 1px solid #dde3df; border-radius: 6px; }
"""
