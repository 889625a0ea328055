; Seller Companion's Windows installer (NSIS 3, built on Linux by build_scripts/windows_build.py with Debian's makensis).
;
; Per user, no administrator rights: the program goes to %LOCALAPPDATA%\Programs\SellerCompanion and its uninstall
; entry to HKCU. The shop's data lives elsewhere (%LOCALAPPDATA%\SellerCompanion, platformdirs' user data folder),
; so installing a newer version over an older one, and uninstalling, never touch it; the uninstaller says so.
;
; makensis -DVERSION=0.1.0 -DAPP_DIR=<one-folder app> -DOUT_FILE=<setup.exe> -DICON=<companion.ico>
;          [-DSIGN_COMMAND="<command with %1 for the file>"] installer.nsi
; Signing: with SIGN_COMMAND defined, makensis runs it on the installer and on the uninstaller it writes (NSIS 3.08
; !finalize / !uninstfinalize), e.g. osslsigncode with the shop's code-signing certificate. Without it the files are
; unsigned and Windows SmartScreen warns (README: "Windows").

Target amd64-unicode  ; the app is 64-bit; a 64-bit installer also runs under 64-bit-only Wine in CI
SetCompressor /SOLID lzma
RequestExecutionLevel user
ManifestDPIAware true

!ifndef VERSION
  !error "VERSION is required (-DVERSION=x.y.z)"
!endif
!ifndef APP_DIR
  !error "APP_DIR is required: the one-folder app built by PyInstaller"
!endif
!ifndef OUT_FILE
  !define OUT_FILE "SellerCompanion-Setup-${VERSION}.exe"
!endif

!define PRODUCT "Seller Companion"
!define EXE "SellerCompanion.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\SellerCompanion"

Name "${PRODUCT}"
OutFile "${OUT_FILE}"
InstallDir "$LOCALAPPDATA\Programs\SellerCompanion"
InstallDirRegKey HKCU "Software\SellerCompanion" "InstallDir"
BrandingText "${PRODUCT} ${VERSION}"

!ifdef SIGN_COMMAND
  !finalize '${SIGN_COMMAND}'
  !uninstfinalize '${SIGN_COMMAND}'
!endif

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${PRODUCT} Setup"
VIAddVersionKey /LANG=0 "OriginalFilename" "SellerCompanion-Setup-${VERSION}.exe"
VIAddVersionKey /LANG=0 "LegalCopyright" ""

!include "MUI2.nsh"
!include "FileFunc.nsh"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "$(RunNow)"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!define MUI_WELCOMEPAGE_TEXT "$(UninstWelcome)"
!insertmacro MUI_UNPAGE_WELCOME
!insertmacro MUI_UNPAGE_INSTFILES
!define MUI_FINISHPAGE_TEXT "$(DataKept)"
!insertmacro MUI_UNPAGE_FINISH

!insertmacro MUI_LANGUAGE "Indonesian"
!insertmacro MUI_LANGUAGE "English"

LangString RunNow ${LANG_INDONESIAN} "Buka Seller Companion sekarang"
LangString RunNow ${LANG_ENGLISH} "Open Seller Companion now"
LangString ShortcutInfo ${LANG_INDONESIAN} "Catatan toko, kasir dan toko online Anda"
LangString ShortcutInfo ${LANG_ENGLISH} "Your shop's record, counter and online shops"
LangString StillOpen ${LANG_INDONESIAN} "Seller Companion masih terbuka. Tutup dulu aplikasinya, lalu klik Coba lagi."
LangString StillOpen ${LANG_ENGLISH} "Seller Companion is still open. Close it first, then click Retry."
LangString UninstWelcome ${LANG_INDONESIAN} "Program Seller Companion akan dihapus dari komputer ini.$\r$\n$\r$\nData toko Anda (penjualan, stok, pesanan, cadangan) TIDAK dihapus: tetap tersimpan di $LOCALAPPDATA\SellerCompanion dan terbaca lagi bila Anda memasang Seller Companion kembali."
LangString UninstWelcome ${LANG_ENGLISH} "Seller Companion will be removed from this computer.$\r$\n$\r$\nYour shop's data (sales, stock, orders, backups) is NOT removed: it stays in $LOCALAPPDATA\SellerCompanion and is read again when you install Seller Companion again."
LangString DataKept ${LANG_INDONESIAN} "Seller Companion sudah dihapus.$\r$\n$\r$\nData toko Anda tetap tersimpan di $LOCALAPPDATA\SellerCompanion. Hapus folder itu sendiri hanya bila Anda yakin tidak memerlukannya lagi."
LangString DataKept ${LANG_ENGLISH} "Seller Companion has been removed.$\r$\n$\r$\nYour shop's data is still in $LOCALAPPDATA\SellerCompanion. Delete that folder yourself only when you are sure you no longer need it."

Function .onInit
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd

Section "Install"
  SetShellVarContext current
  ; An open app holds its files: ask to close it rather than leave half a new version beside the old one.
  retry:
  ClearErrors
  IfFileExists "$INSTDIR\${EXE}" 0 fresh
  FileOpen $0 "$INSTDIR\${EXE}" a
  IfErrors 0 closed
  IfSilent 0 +2
  Abort
  MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(StillOpen)" IDRETRY retry
  Abort
  closed:
  FileClose $0
  ; A newer version over an older one: the old program files go (never the data folder, which is elsewhere).
  RMDir /r "$INSTDIR\_internal"
  fresh:
  SetOutPath "$INSTDIR"
  File /r "${APP_DIR}\*.*"
  WriteUninstaller "$INSTDIR\Uninstall.exe"
  WriteRegStr HKCU "Software\SellerCompanion" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
  CreateDirectory "$SMPROGRAMS\Seller Companion"
  CreateShortcut "$SMPROGRAMS\Seller Companion\Seller Companion.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 \
    SW_SHOWNORMAL "" "$(ShortcutInfo)"
  CreateShortcut "$SMPROGRAMS\Seller Companion\Hapus Seller Companion.lnk" "$INSTDIR\Uninstall.exe"
  CreateShortcut "$DESKTOP\Seller Companion.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 SW_SHOWNORMAL "" \
    "$(ShortcutInfo)"
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$DESKTOP\Seller Companion.lnk"
  RMDir /r "$SMPROGRAMS\Seller Companion"
  ; Only what the installer put there: the data folder ($LOCALAPPDATA\SellerCompanion) is never touched.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\companion.exe"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\SellerCompanion"
SectionEnd
