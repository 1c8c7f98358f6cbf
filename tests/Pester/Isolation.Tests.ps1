# A session that already loaded other versions of assemblies the engine uses (here
# Microsoft.Data.Sqlite 8 and SQLitePCLRaw.core 2.0, fetched by the bootstrap) still imports the
# module and migrates: the engine's own versions load into its own AssemblyLoadContext.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $packages = Join-Path (Split-Path (Split-Path $PSScriptRoot)) '.tools/packages'
    $oldSqlite = Join-Path $packages 'microsoft.data.sqlite.core/8.0.34/lib/net8.0/Microsoft.Data.Sqlite.dll'
    $oldRaw = Join-Path $packages 'sqlitepclraw.core/2.0.6/lib/netstandard2.0/SQLitePCLRaw.core.dll'
    # The agent serves metrics too, so the metrics library and what it needs load (into the engine's context).
    $ws = New-TestWorkspace -AgentSettings @{ metrics = "`"127.0.0.1:$(Get-FreeTcpPort)`"" }
    New-SourceTree -Path $ws.Source -Count 50
    $r = Invoke-Pwsh -Workspace $ws -NoImport -Name isolation -Script @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$oldSqlite'
Add-Type -Path '$oldRaw'
# PowerShell's own copy of a library the metrics library needs, loaded by the session first.
Add-Type -AssemblyName Microsoft.Extensions.ObjectPool
`$before = [Microsoft.Data.Sqlite.SqliteConnectionStringBuilder]::new('Data Source=first.db').DataSource
Import-Module '$(Get-ModuleManifestPath)'
New-MigrationTask -Name isolated -Source ./src -Destination ./dst | Out-Null
`$summary = Start-MigrationAgent -ExitWhenIdle
`$status = Get-MigrationStatus isolated
`$loaded = [AppDomain]::CurrentDomain.GetAssemblies() |
    Where-Object { `$_.GetName().Name -in 'Microsoft.Data.Sqlite', 'SQLitePCLRaw.core', 'Prometheus.NetStandard', 'Microsoft.Extensions.ObjectPool' } |
    ForEach-Object { '{0} {1} {2}' -f `$_.GetName().Name, `$_.GetName().Version, [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }
[pscustomobject]@{
    State = "`$(`$status.State)"; Succeeded = `$status.Succeeded; Loaded = @(`$loaded)
    Before = `$before; After = [Microsoft.Data.Sqlite.SqliteConnectionStringBuilder]::new('Data Source=second.db').DataSource
    SessionSqlite = [Microsoft.Data.Sqlite.SqliteConnection].Assembly.GetName().Version.ToString()
} | ConvertTo-Json -Compress
"@
    $result = if ($r.ExitCode -eq 0) { $r.Output.Trim() -split "`r?`n" | Select-Object -Last 1 | ConvertFrom-Json }
}
AfterAll { Remove-TestWorkspace $ws }

Describe 'Other versions of the engine''s dependencies loaded first' {
    It 'were found where the bootstrap put them' {
        Test-Path $oldSqlite | Should -BeTrue
        Test-Path $oldRaw | Should -BeTrue
    }

    It 'do not stop the import or the migration' {
        $r.Error | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0
        $result.State | Should -Be 'Completed'
        $result.Succeeded | Should -Be 50
        Compare-Tree -Source $ws.Source -Destination $ws.Destination | Should -BeNullOrEmpty
    }

    It 'stay in use by the session, beside the engine''s own versions' {
        $result.SessionSqlite | Should -Match '^8\.'
        $result.Before | Should -Be 'first.db'
        $result.After | Should -Be 'second.db'
        ($result.Loaded | Where-Object { $_ -match '^Microsoft\.Data\.Sqlite 8\.\S+ Default$' }) | Should -Not -BeNullOrEmpty
        ($result.Loaded | Where-Object { $_ -match '^Microsoft\.Data\.Sqlite 10\.\S+ MspMigration\.Engine$' }) | Should -Not -BeNullOrEmpty
        ($result.Loaded | Where-Object { $_ -match '^SQLitePCLRaw\.core 2\.0\.\S+ Default$' }) | Should -Not -BeNullOrEmpty
        ($result.Loaded | Where-Object { $_ -match '^SQLitePCLRaw\.core 2\.1\.\S+ MspMigration\.Engine$' }) | Should -Not -BeNullOrEmpty
    }

    It 'leave the metrics library to the engine''s context, beside the session''s own copy of what it needs' {
        ($result.Loaded | Where-Object { $_ -match '^Prometheus\.NetStandard \S+ MspMigration\.Engine$' }) | Should -Not -BeNullOrEmpty
        ($result.Loaded | Where-Object { $_ -match '^Prometheus\.NetStandard \S+ Default$' }) | Should -BeNullOrEmpty
        ($result.Loaded | Where-Object { $_ -match '^Microsoft\.Extensions\.ObjectPool \S+ Default$' }) | Should -Not -BeNullOrEmpty
    }
}
