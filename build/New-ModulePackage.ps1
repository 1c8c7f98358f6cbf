# Makes the module package (a .nupkg, as PSResourceGet publishes it) from the laid-out module
# folder into a local-folder repository. ./build.sh package runs it with a HOME of its own, so
# the temporary repository registration never touches the user's PSResourceGet settings.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $OutputPath
)
$ErrorActionPreference = 'Stop'
Import-Module "$PSHOME/Modules/Microsoft.PowerShell.PSResourceGet"
New-Item -ItemType Directory -Force -Path $OutputPath | Out-Null
$name = "MspMigrationBuild$PID"
Register-PSResourceRepository -Name $name -Uri (Resolve-Path $OutputPath).Path -Trusted
try {
    $manifest = Import-PowerShellDataFile (Join-Path $ModulePath 'MspMigration.psd1')
    Get-ChildItem $OutputPath -Filter "MspMigration.$($manifest.ModuleVersion).nupkg" | Remove-Item
    Publish-PSResource -Path $ModulePath -Repository $name
    Get-ChildItem $OutputPath -Filter "MspMigration.$($manifest.ModuleVersion).nupkg" | ForEach-Object FullName
}
finally {
    Unregister-PSResourceRepository -Name $name
}
