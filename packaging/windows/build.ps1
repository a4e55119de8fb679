# Build Hanji for Windows: a build venv, the PyInstaller folder, and the Inno Setup installer.
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Needs Python 3.11 (py launcher) and Inno Setup 6.5+ (iscc on PATH, or in its default folder).
# PyPI's torch for Windows is the CPU build. Cannot be run on Linux.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
$Venv = "build\pyi-venv"
if (-not (Test-Path "$Venv\Scripts\python.exe")) { py -3.11 -m venv $Venv }
& "$Venv\Scripts\python.exe" -m pip install --upgrade pip
& "$Venv\Scripts\pip.exe" install "torch==2.13.0"
& "$Venv\Scripts\pip.exe" install . "pyinstaller==6.22.3" "fonttools>=4.40"  # fontTools: only for make_icons.py
& "$Venv\Scripts\python.exe" packaging\icons\make_icons.py build\icons
& "$Venv\Scripts\pyinstaller.exe" --noconfirm --clean --workpath build\pyinstaller --distpath dist packaging\windows\hanji.spec
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
$env:QT_QPA_PLATFORM = "offscreen"
& "dist\hanji\hanji-cli.exe" --version
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
$Version = (& "$Venv\Scripts\python.exe" -c "import tomllib;print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
Compress-Archive -Path dist\hanji -DestinationPath "dist\hanji-$Version-windows-x64.zip" -Force
$Iscc = (Get-Command iscc -ErrorAction SilentlyContinue).Source
if (-not $Iscc) { $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $Iscc "/DAppVersion=$Version" packaging\windows\hanji.iss
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
