# Installable the PowerShell way: the module package made by build/New-ModulePackage.ps1 (what
# ./build.sh package runs) is published to a local-folder repository, installed with
# Install-PSResource into an empty module path, imported by name in a fresh pwsh and used.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $moduleFolder = Split-Path (Get-ModuleManifestPath)
    $root = (Resolve-Path "$PSScriptRoot/../..").Path
    $pwshDll = Get-ChildItem "$root/.tools/pwsh/.store" -Recurse -Filter pwsh.dll |
        Where-Object { $_.FullName -match ($IsWindows ? '[\\/]win[\\/]' : '/unix/') } | Select-Object -First 1 -ExpandProperty FullName
    $ws = New-TestWorkspace
    # A home of its own: Install-PSResource -Scope CurrentUser and the repository list live there,
    # so neither the machine's modules nor its registered repositories take part.
    $home2 = Join-Path $ws.Root 'home'
    $repo = Join-Path $ws.Root 'repo'
    $modules = Join-Path $home2 '.local/share/powershell/Modules'
    # .config too: .NET answers an empty path for a missing special folder, and NuGet would then
    # write its settings relative to the current folder.
    New-Item -ItemType Directory -Path $home2, $repo, $modules, (Join-Path $home2 '.config') | Out-Null

    function Invoke-Isolated([string] $Script) {
        $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($pwshDll, '-NoProfile', '-NonInteractive', '-Command', "`$ErrorActionPreference = 'Stop'; $Script")) { $psi.ArgumentList.Add($a) }
        $psi.WorkingDirectory = $ws.Root
        $psi.Environment['HOME'] = $home2
        $psi.Environment.Remove('XDG_DATA_HOME') | Out-Null
        $psi.Environment['PSModulePath'] = $modules
        $psi.Environment['MSPMIGRATION_CONFIG'] = $ws.Config
        $psi.Environment['NO_COLOR'] = '1'
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $p = [Diagnostics.Process]::Start($psi)
        $out = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(300000)) { $p.Kill($true); throw 'pwsh did not finish in time' }
        [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $out.Result; Error = $err.Result }
    }

    $pack = Invoke-Isolated "& '$root/build/New-ModulePackage.ps1' -ModulePath '$moduleFolder' -OutputPath '$repo'"
    $install = Invoke-Isolated @"
Import-Module "`$PSHOME/Modules/Microsoft.PowerShell.PSResourceGet"
Register-PSResourceRepository -Name local -Uri '$repo' -Trusted
Install-PSResource MspMigration -Repository local -Scope CurrentUser
"@
    New-SourceTree -Path $ws.Source -Count 20
    $use = Invoke-Isolated @'
Import-Module MspMigration
(Get-Module MspMigration).ModuleBase
New-MigrationTask -Name packaged -Source ./src -Destination ./dst | Out-Null
Start-MigrationAgent -ExitWhenIdle | Out-Null
(Get-MigrationStatus packaged).State
'@
}
AfterAll { Remove-TestWorkspace $ws }

Describe 'The module package' {
    It 'is made into a local-folder repository' {
        $pack.ExitCode | Should -Be 0 -Because $pack.Error
        $nupkg = @(Get-ChildItem $repo -Filter 'MspMigration.*.nupkg')
        $nupkg.Count | Should -Be 1
    }

    It 'holds a complete manifest' {
        $zip = [IO.Compression.ZipFile]::OpenRead((Get-ChildItem $repo -Filter 'MspMigration.*.nupkg').FullName)
        try {
            $entry = $zip.Entries | Where-Object FullName -eq 'MspMigration.psd1'
            $text = [IO.StreamReader]::new($entry.Open()).ReadToEnd()
        }
        finally { $zip.Dispose() }
        $manifest = [scriptblock]::Create($text).InvokeReturnAsIs()
        foreach ($key in 'Author', 'CompanyName', 'Copyright', 'Description') { $manifest[$key] | Should -Not -BeNullOrEmpty -Because $key }
        $manifest.PowerShellVersion | Should -Be '7.6'
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        foreach ($key in 'LicenseUri', 'ProjectUri', 'ReleaseNotes') { $manifest.PrivateData.PSData[$key] | Should -Not -BeNullOrEmpty -Because $key }
        $manifest.PrivateData.PSData.Tags | Should -Contain 'S3'
    }

    It 'carries native SQLite for <Rid>' -ForEach @(
        @{ Rid = 'linux-x64'; File = 'libe_sqlite3.so' }, @{ Rid = 'linux-arm64'; File = 'libe_sqlite3.so' }, @{ Rid = 'win-x64'; File = 'e_sqlite3.dll' }
        @{ Rid = 'osx-x64'; File = 'libe_sqlite3.dylib' }, @{ Rid = 'osx-arm64'; File = 'libe_sqlite3.dylib' }
    ) {
        $zip = [IO.Compression.ZipFile]::OpenRead((Get-ChildItem $repo -Filter 'MspMigration.*.nupkg').FullName)
        try { $names = $zip.Entries.FullName } finally { $zip.Dispose() }
        $names | Should -Contain "dependencies/runtimes/$Rid/native/$File"
    }

    It 'installs with Install-PSResource into an empty module path' {
        $install.ExitCode | Should -Be 0 -Because $install.Error
        Test-Path (Join-Path $modules 'MspMigration/*/MspMigration.psd1') | Should -BeTrue
    }

    It 'is imported by name in a fresh pwsh and migrates' {
        $use.ExitCode | Should -Be 0 -Because $use.Error
        $lines = $use.Output.Trim() -split "`r?`n"
        $lines[0] | Should -BeLike "$modules*" -Because 'the installed copy is the one imported'
        $lines[-1] | Should -Be 'Completed'
        Compare-Tree -Source $ws.Source -Destination $ws.Destination | Should -BeNullOrEmpty
    }
}
