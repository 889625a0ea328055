# PyInstaller runtime hook (Windows): put the bundle's top folder on the DLL search path of extension modules.
# Python loads an extension with LoadLibraryExW(LOAD_LIBRARY_SEARCH_DEFAULT_DIRS | LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR),
# which ignores SetDllDirectory: a library's own dependencies are looked for beside the extension, in System32 and in
# os.add_dll_directory folders only. libpq (psycopg_binary.libs/) needs the one OpenSSL the bundle keeps at the top
# (companion.spec: _one_openssl), so the top folder is added here.
import os
import sys

if sys.platform == "win32" and hasattr(os, "add_dll_directory") and getattr(sys, "_MEIPASS", None):
    os.add_dll_directory(sys._MEIPASS)
