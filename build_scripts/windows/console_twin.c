/* companion.exe: the console twin of SellerCompanion.exe for support commands (--self-test, doctor, backup).
   It starts SellerCompanion.exe beside it with this console's input and output, waits, and returns its exit
   code, so the windowed app and its Python modules are packed once, not twice (8 MB). */
#include <windows.h>
#include <wchar.h>
#include <stdio.h>

static const wchar_t *after_program_name(const wchar_t *line) {
    if (*line == L'"') {
        line++;
        while (*line && *line != L'"') line++;
        if (*line == L'"') line++;
    } else {
        while (*line && *line != L' ' && *line != L'\t') line++;
    }
    while (*line == L' ' || *line == L'\t') line++;
    return line;
}

int wmain(void) {
    wchar_t app[MAX_PATH + 32];
    DWORD n = GetModuleFileNameW(NULL, app, MAX_PATH);
    if (n == 0 || n >= MAX_PATH) { fputs("Seller Companion: this program's own path is too long.\n", stderr); return 1; }
    wchar_t *slash = wcsrchr(app, L'\\');
    wcscpy(slash ? slash + 1 : app, L"SellerCompanion.exe");
    const wchar_t *rest = after_program_name(GetCommandLineW());
    size_t size = wcslen(app) + wcslen(rest) + 8;
    wchar_t *command = (wchar_t *)HeapAlloc(GetProcessHeap(), 0, size * sizeof(wchar_t));
    if (!command) return 1;
    swprintf(command, size, L"\"%ls\" %ls", app, rest);
    STARTUPINFOW si;
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(app, command, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        fprintf(stderr, "Seller Companion: SellerCompanion.exe beside this program could not start (Windows error %lu): "
                        "install the app again.\n", GetLastError());
        return 1;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 1;
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return (int)code;
}
