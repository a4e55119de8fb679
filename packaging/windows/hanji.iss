; Inno Setup script: the Windows installer for Hanji. Cannot be built on Linux.
;   iscc /DAppVersion=0.1.0 packaging\windows\hanji.iss
; Expects the PyInstaller folder in dist\hanji (packaging\windows\hanji.spec) and the icon in
; build\icons\hanji.ico (packaging\icons\make_icons.py). Output: dist\hanji-<version>-windows-x64-setup.exe
; Needs Inno Setup 6.5 or later (its Languages\Korean.isl is used).
; Per-user install by default (no admin rights needed on locked-down workstations); the user may
; choose an all-users install in the dialog.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Root AddBackslash(SourcePath) + "..\.."

[Setup]
AppId={{6C1E0C5E-3B0B-4C55-9A43-2A8E4C7B1D01}
AppName=Hanji
AppVerName=Hanji {#AppVersion}
AppVersion={#AppVersion}
AppPublisher=Hanji developers
DefaultDirName={autopf}\Hanji
DefaultGroupName=Hanji
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=hanji-{#AppVersion}-windows-x64-setup
SetupIconFile={#Root}\build\icons\hanji.ico
UninstallDisplayIcon={app}\hanji.exe
LicenseFile={#Root}\packaging\windows\LICENSE.txt
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
ChangesEnvironment=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "korean"; MessagesFile: "compiler:Languages\Korean.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add hanji-cli to PATH"; GroupDescription: "Command line:"; Flags: unchecked
Name: "associate"; Description: "Open .hanji project files with Hanji"; GroupDescription: "Files:"

[Files]
Source: "{#Root}\dist\hanji\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Hanji"; Filename: "{app}\hanji.exe"
Name: "{group}\{cm:UninstallProgram,Hanji}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Hanji"; Filename: "{app}\hanji.exe"; Tasks: desktopicon

[Registry]
Root: HKA; Subkey: "Software\Classes\.hanji"; ValueType: string; ValueName: ""; ValueData: "Hanji.Project"; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Hanji.Project"; ValueType: string; ValueName: ""; ValueData: "Hanji project"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Hanji.Project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\hanji.exe,0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Hanji.Project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\hanji.exe"" ""%1"""; Tasks: associate
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Check: NeedsAddPath(ExpandConstant('{app}')); Tasks: addtopath

[Run]
Filename: "{app}\hanji.exe"; Description: "{cm:LaunchProgram,Hanji}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; caches the app may leave in its folder
Type: filesandordirs; Name: "{app}\_internal\__pycache__"

[Code]
function NeedsAddPath(Dir: string): boolean;
var
  Paths: string;
begin
  if not RegQueryStringValue(HKCU, 'Environment', 'Path', Paths) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;
