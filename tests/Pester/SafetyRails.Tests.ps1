# Safety rails: a task never harms its source, never hangs a script, never hides a typo. Every
# refusal is checked for what it leaves behind: control-plane rows and file trees are compared
# before and after.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force

    function Get-TreeHash([Parameter(Mandatory)][string] $Path) {
        # Every folder, file (with its content hash) and link below $Path, as one hash.
        if (-not (Test-Path -LiteralPath $Path)) { return '<absent>' }
        $root = (Resolve-Path -LiteralPath $Path).Path
        $lines = Get-ChildItem -LiteralPath $root -Recurse -Force | Sort-Object FullName | ForEach-Object {
            $rel = [IO.Path]::GetRelativePath($root, $_.FullName)
            if ($_.LinkType) { "l $rel -> $($_.LinkTarget)" }
            elseif ($_.PSIsContainer) { "d $rel" }
            else { "f $rel $((Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash)" }
        }
        $bytes = [Text.Encoding]::UTF8.GetBytes(($lines -join "`n"))
        [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)) + " ($(@($lines).Count) entries)"
    }

    function Get-PlaneRows {
        # The control plane as a user sees it: every task and agent, one line each.
        $tasks = @(Get-MigrationTask) | ForEach-Object {
            "task $($_.Id)|$($_.Name)|$($_.Source)|$($_.Destination)|$($_.State)|$($_.SourceProfile)|$($_.DestinationProfile)|$($_.Pass)"
        }
        $agents = @(Get-MigrationAgent) | ForEach-Object { "agent $($_.Name)" }
        (@($tasks) + @($agents)) -join "`n"
    }

    function Get-Failure([Parameter(Mandatory)][scriptblock] $Script) {
        # The ErrorRecord a command ends with under -ErrorAction Stop, or $null.
        try { & $Script; $null } catch { $_ }
    }
}

Describe 'Overlapping source and destination are refused' {
    BeforeAll {
        $ws = New-TestWorkspace
        $env:MSPMIGRATION_CONFIG = $ws.Config
        New-SourceTree -Path $ws.Source -Count 6
        New-Item -ItemType Directory -Path "$($ws.Source)/sub" | Out-Null
        New-Item -ItemType SymbolicLink -Path "$($ws.Root)/alias" -Target $ws.Source | Out-Null
        New-Item -ItemType SymbolicLink -Path "$($ws.Root)/into-sub" -Target "$($ws.Source)/sub" | Out-Null
        New-MigrationTask -Name existing -Source $ws.Source -Destination $ws.Destination | Out-Null
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        Remove-TestWorkspace $ws
    }

    It 'refuses <Case> and creates nothing' -ForEach @(
        @{ Case = 'the same directory with a trailing /'; Source = 'src'; Destination = 'src/' }
        @{ Case = 'the same directory through . and ..'; Source = 'src'; Destination = 'src/./sub/../' }
        @{ Case = 'a destination inside the source (relative paths)'; Source = './src'; Destination = './src/in' }
        @{ Case = 'a destination deep inside the source that does not exist yet'; Source = 'src'; Destination = 'src/a/b/c' }
        @{ Case = 'a source inside the destination'; Source = 'src/sub'; Destination = 'src' }
        @{ Case = 'a destination reached through a link to the source'; Source = 'src'; Destination = 'alias/in' }
        @{ Case = 'a destination that is a link into the source'; Source = 'src'; Destination = 'into-sub' }
        @{ Case = 'a source reached through a link'; Source = 'alias'; Destination = 'src/out' }
        @{ Case = 'a destination given as local:// inside the source'; Source = 'src'; Destination = 'local://{root}/src/x' }
    ) {
        Push-Location $ws.Root
        try {
            $destination = $Destination.Replace('{root}', $ws.Root)
            $rows = Get-PlaneRows
            $tree = Get-TreeHash $ws.Root
            $err = Get-Failure { New-MigrationTask -Name overlap -Source $Source -Destination $destination -ErrorAction Stop }
            $err | Should -Not -BeNullOrEmpty -Because 'the task must be refused'
            $err.FullyQualifiedErrorId | Should -BeLike 'SourceDestinationOverlap,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.Exception.Message | Should -Match 'overlap'
            Get-PlaneRows | Should -Be $rows
            Get-TreeHash $ws.Root | Should -Be $tree
        } finally {
            Pop-Location
        }
    }

    It 'refuses S3 places that share keys: <Source> and <Destination>' -ForEach @(
        @{ Source = 's3://bkt/a/'; Destination = 's3://bkt/a/' }
        @{ Source = 's3://bkt/a/'; Destination = 's3://bkt/a/b/' }
        @{ Source = 's3://bkt/a/b/'; Destination = 's3://bkt/a/' }
        @{ Source = 's3://bkt/a'; Destination = 's3://bkt/ab' }
        @{ Source = 's3://bkt'; Destination = 's3://bkt/x/' }
        @{ Source = 'oss://photos/2024'; Destination = 'oss://photos/2024-copy/'; Profile = 'ali' }
    ) {
        $rows = Get-PlaneRows
        $err = Get-Failure {
            New-MigrationTask -Name overlap -Source $Source -Destination $Destination -SourceProfile $Profile -DestinationProfile $Profile `
                -ErrorAction Stop -WarningAction SilentlyContinue
        }
        $err.FullyQualifiedErrorId | Should -BeLike 'SourceDestinationOverlap,*'
        Get-PlaneRows | Should -Be $rows
    }

    It 'accepts S3 places that share no key: <Source> and <Destination>' -ForEach @(
        @{ Source = 's3://bkt/a/'; Destination = 's3://bkt/b/' }
        @{ Source = 's3://bkt/a/'; Destination = 's3://other/a/' }
        @{ Source = 's3://bkt/a/'; Destination = 's3://bkt/a/'; SourceProfile = 'east'; DestinationProfile = 'west' }
    ) {
        $task = New-MigrationTask -Name disjoint -Source $Source -Destination $Destination -SourceProfile $SourceProfile `
            -DestinationProfile $DestinationProfile -WarningAction SilentlyContinue
        $task.Name | Should -Be 'disjoint'
        Remove-MigrationTask disjoint -Force
    }

    It 'accepts a destination beside the source whose name starts the same' {
        $task = New-MigrationTask -Name beside -Source $ws.Source -Destination "$($ws.Source)-copy"
        $task.Name | Should -Be 'beside'
        Remove-MigrationTask beside -Force
    }

    It 'an agent refuses a task whose destination became a link into the source' {
        $root = $ws.Root
        $src = Join-Path $root 'src2'
        New-SourceTree -Path $src -Count 4
        New-Item -ItemType Directory -Path "$src/in" | Out-Null
        New-MigrationTask -Name relinked -Source $src -Destination "$root/dst2" | Out-Null
        # After the task was accepted, the destination turns into a link into the source.
        New-Item -ItemType SymbolicLink -Path "$root/dst2" -Target "$src/in" | Out-Null
        $tree = Get-TreeHash $src
        $p = Start-PwshProcess -Workspace $ws -Name relinked -AsUser -Script 'Start-MigrationAgent -TaskName relinked -ExitWhenIdle'
        try {
            # Once the agent is registered, a few polls give it time to take the task up (and
            # refuse it); then Ctrl+C, unless refusing the task already ended the run.
            Wait-Until -TimeoutSeconds 120 -Because 'the agent registers' { $p.HasExited -or @(Get-MigrationAgent | Where-Object IsAlive).Count -gt 0 }
            if (-not $p.WaitForExit(5000)) { Send-Signal -ProcessId $p.Id -Signal INT }
            if (-not $p.WaitForExit(60000)) { $p.Kill($true) }
        } finally {
            if (-not $p.HasExited) { $p.Kill($true) }
        }
        $p.WaitForExit()
        ($p.StdoutTask.Result + $p.StderrTask.Result) | Should -Match 'overlap'
        Get-TreeHash $src | Should -Be $tree
    }
}

Describe 'Task names are unique ignoring case' {
    BeforeAll {
        $ws = New-TestWorkspace
        $env:MSPMIGRATION_CONFIG = $ws.Config
        New-SourceTree -Path $ws.Source -Count 3
        New-MigrationTask -Name Same -Source $ws.Source -Destination $ws.Destination | Out-Null
        New-MigrationTask -Name Ärger -Source $ws.Source -Destination "$($ws.Root)/dst-umlaut" | Out-Null
        New-MigrationTask -Name Other -Source $ws.Source -Destination "$($ws.Root)/dst-other" | Out-Null
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        Remove-TestWorkspace $ws
    }

    It 'refuses <Name> while <Existing> exists, naming it' -ForEach @(
        @{ Name = 'SAME'; Existing = 'Same' }
        @{ Name = 'same'; Existing = 'Same' }
        @{ Name = 'ärger'; Existing = 'Ärger' }
    ) {
        $rows = Get-PlaneRows
        $err = Get-Failure { New-MigrationTask -Name $Name -Source $ws.Source -Destination "$($ws.Root)/dst-x" -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'TaskAlreadyExists,*'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        $err.Exception.Message | Should -Match "'$Existing'"
        Get-PlaneRows | Should -Be $rows
        Test-Path "$($ws.Root)/dst-x" | Should -BeFalse
    }

    It 'finds a task by a name in another case' {
        (Get-MigrationStatus -Name SAME).TaskName | Should -Be 'Same'
        (Get-MigrationTask -Name 'ÄRGER').Name | Should -Be 'Ärger'
    }

    It 'removes only the one task a name in another case means' {
        Get-MigrationTask same | Remove-MigrationTask -Force
        $left = @((Get-MigrationTask).Name)
        $left.Count | Should -Be 2
        $left | Should -Contain 'Other'
        $left | Should -Contain 'Ärger'
    }
}

Describe 'A literal name that matches nothing is an error; a wildcard stays silent' {
    BeforeAll {
        $ws = New-TestWorkspace
        $env:MSPMIGRATION_CONFIG = $ws.Config
        New-SourceTree -Path $ws.Source -Count 3
        New-MigrationTask -Name existing -Source $ws.Source -Destination $ws.Destination | Out-Null
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        Remove-TestWorkspace $ws
    }

    It 'Start-MigrationAgent -TaskName <misspelt> fails in a script and starts no agent' {
        $rows = Get-PlaneRows
        $tree = Get-TreeHash $ws.Destination
        $r = Invoke-Pwsh -Workspace $ws -Name misspelt -AsUser -TimeoutSeconds 120 `
            -Script 'Start-MigrationAgent -TaskName nosuhc -ExitWhenIdle -ErrorAction Stop'
        $r.ExitCode | Should -Not -Be 0
        $r.Error + $r.Output | Should -Match 'nosuhc'
        Get-PlaneRows | Should -Be $rows
        Get-TreeHash $ws.Destination | Should -Be $tree
    }

    It 'Start-MigrationAgent reports TaskNotFound as ObjectNotFound' {
        $err = Get-Failure { Start-MigrationAgent -TaskName nosuhc -ExitWhenIdle -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be 'nosuhc'
        @(Get-ChildItem $ws.Destination).Count | Should -Be 0
    }

    It 'Start-MigrationAgent with a wildcard that matches nothing is silent and works on no other task' {
        $rows = Get-PlaneRows
        $errors = $null
        Start-MigrationAgent -TaskName 'nomatch*' -ExitWhenIdle -ErrorVariable errors -WarningAction SilentlyContinue | Out-Null
        $errors | Should -BeNullOrEmpty
        @(Get-ChildItem $ws.Destination).Count | Should -Be 0
        (Get-MigrationTask existing).State | Should -Be 'Pending'
        (Get-PlaneRows) -split "`n" | Where-Object { $_ -like 'task *' } | Should -Be (($rows -split "`n") | Where-Object { $_ -like 'task *' })
    }

    It '<Command> with a wildcard that matches nothing is silent' -ForEach @(
        @{ Command = 'Get-MigrationTask' }
        @{ Command = 'Get-MigrationStatus' }
        @{ Command = 'Export-FailedObjects' }
    ) {
        $errors = $null
        $out = & $Command -Name 'nomatch*' -ErrorVariable errors
        $errors | Should -BeNullOrEmpty
        $out | Should -BeNullOrEmpty
    }

    It 'Get-MigrationStatus expands a wildcard' {
        (Get-MigrationStatus -Name 'exist*').TaskName | Should -Be 'existing'
    }

    It 'Start-MigrationAgent still runs the tasks that exist when one name is misspelt' {
        $errors = $null
        Start-MigrationAgent -TaskName existing, nosuhc -ExitWhenIdle -ErrorVariable errors -ErrorAction SilentlyContinue | Out-Null
        @($errors | Where-Object { $_.FullyQualifiedErrorId -like 'TaskNotFound,*' }).Count | Should -Be 1
        (Get-MigrationTask existing).State | Should -Be 'Completed'
        Compare-Tree -Source $ws.Source -Destination $ws.Destination | Should -BeNullOrEmpty
    }
}

Describe 'agent.toml typos are caught' {
    BeforeAll {
        $ws = New-TestWorkspace
        New-SourceTree -Path $ws.Source -Count 2
        function Write-Config([string] $Name, [string] $Text) {
            $path = Join-Path $ws.Root $Name
            Set-Content -Path $path -Value $Text
            $path
        }
        $cp = "[control_plane]`nsqlite = `"controlplane.db`""
        # Every configuration here names this one control plane.
        New-MigrationTask -ConfigPath $ws.Config -Name seed -Source $ws.Source -Destination $ws.Destination | Out-Null
    }
    AfterAll { Remove-TestWorkspace $ws }

    It 'warns of an unknown key with its file, line and the nearest known key' {
        $path = Write-Config typo.toml "[agent]`nname = `"a`"`nconcurency = 4`n$cp"
        $warnings = $null
        Get-MigrationTask -ConfigPath $path -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        $text = $warnings -join "`n"
        $text | Should -Match ([regex]::Escape($path))
        $text | Should -Match 'line 3'
        $text | Should -Match "'concurency'"
        $text | Should -Match "'concurrency'"
    }

    It 'warns of an unknown section' {
        $path = Write-Config section.toml "[agnet]`nname = `"a`"`n$cp"
        $warnings = $null
        Get-MigrationTask -ConfigPath $path -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        $text = $warnings -join "`n"
        $text | Should -Match "\[agnet\]"
        $text | Should -Match "\[agent\]"
        $text | Should -Match 'line 1'
    }

    It 'Start-MigrationAgent shows the warning too' {
        $path = Write-Config agent-typo.toml "[agent]`nname = `"a`"`npoll_second = 1`nheartbeat_seconds = 1`n$cp"
        $r = Invoke-Pwsh -Workspace $ws -Name agent-typo -AsUser -Script "Start-MigrationAgent -ConfigPath '$path' -TaskName 'none*' -ExitWhenIdle | Out-Null"
        $r.Output | Should -Match "'poll_second'.*'poll_seconds'"
    }

    It 'refuses a profile type that is not oss, cos or s3' {
        $path = Write-Config type.toml "$cp`n[profiles.ali]`ntype = `"osss`"`nregion = `"cn-hangzhou`""
        $err = Get-Failure { Get-MigrationTask -ConfigPath $path -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'ConfigInvalid,*'
        $err.Exception.Message | Should -Match 'osss'
    }

    It 'warns that a profile without credentials makes anonymous requests' {
        $path = Write-Config anon.toml "$cp`n[profiles.open]`ntype = `"s3`"`nendpoint = `"http://127.0.0.1:9`""
        $warnings = $null
        Get-MigrationTask -ConfigPath $path -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        ($warnings -join "`n") | Should -Match "'open'.*anonymous"
    }

    It 'says that a 403 on a profile without credentials came from an anonymous request' {
        $py = Join-Path $ws.Root 'deny.py'
        Set-Content -Path $py -Value @'
import http.server, sys, threading
class H(http.server.BaseHTTPRequestHandler):
    def deny(self):
        body = b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>'
        self.send_response(403)
        self.send_header('Content-Type', 'application/xml')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD': self.wfile.write(body)
    do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = deny
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
print(s.server_address[1], flush=True)
threading.Thread(target=s.serve_forever, daemon=True).start()
sys.stdin.read()
'@
        $psi = [Diagnostics.ProcessStartInfo]::new('python3')
        $psi.ArgumentList.Add($py)
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $server = [Diagnostics.Process]::Start($psi)
        try {
            $port = $server.StandardOutput.ReadLine()
            $path = Write-Config deny.toml "$cp`n[profiles.open]`ntype = `"s3`"`nendpoint = `"http://127.0.0.1:$port`"`nforce_path_style = true`nmax_attempts = 1"
            $result = Test-MigrationEndpoint s3://bkt/ -Profile open -ReadOnly -ConfigPath $path -WarningAction SilentlyContinue
            $text = ($result | Format-List * | Out-String)
            $text | Should -Match 'anonymous'
            $text | Should -Match 'no credentials'
        } finally {
            $server.StandardInput.Close()
            if (-not $server.WaitForExit(5000)) { $server.Kill() }
        }
    }

    It 'New-MigrationTask warns of a profile this agent.toml does not define, and still creates the task' {
        $path = Write-Config profiles.toml "$cp`n[profiles.ali]`ntype = `"oss`"`nregion = `"cn-hangzhou`"`naccess_key_id = `"k`"`naccess_key_secret = `"s`""
        $warnings = $null
        $task = New-MigrationTask -ConfigPath $path -Name remote -Source oss://photos/ -SourceProfile ail -Destination $ws.Destination `
            -WarningVariable warnings -WarningAction SilentlyContinue
        $task.SourceProfile | Should -Be 'ail'
        $text = $warnings -join "`n"
        $text | Should -Match "'ail'"
        $text | Should -Match ([regex]::Escape($path))
    }
}

Describe 'Read-only cmdlets never create a control plane' {
    BeforeAll {
        $ws = New-TestWorkspace
        New-SourceTree -Path $ws.Source -Count 2
        $db = Join-Path $ws.Root 'controlplane.db'
        $env:MSPMIGRATION_CONFIG = $ws.Config
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        Remove-TestWorkspace $ws
    }

    It '<Command> fails with ControlPlaneNotFound and creates nothing' -ForEach @(
        @{ Command = { Get-MigrationTask -ErrorAction Stop } }
        @{ Command = { Get-MigrationTask -Name x -ErrorAction Stop } }
        @{ Command = { Get-MigrationStatus -Name x -ErrorAction Stop } }
        @{ Command = { Export-FailedObjects -Name x -ErrorAction Stop } }
        @{ Command = { Get-MigrationAgent -ErrorAction Stop } }
        @{ Command = { Set-MigrationTask -Name x -QpsLimit 5 -ErrorAction Stop } }
        @{ Command = { Suspend-MigrationTask -Name x -ErrorAction Stop } }
        @{ Command = { Resume-MigrationTask -Name x -ErrorAction Stop } }
        @{ Command = { Restart-MigrationTask -Name x -FailedOnly -ErrorAction Stop } }
        @{ Command = { Remove-MigrationTask -Name x -Force -ErrorAction Stop } }
    ) {
        $before = Get-TreeHash $ws.Root
        $err = Get-Failure $Command
        $err.FullyQualifiedErrorId | Should -BeLike 'ControlPlaneNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match ([regex]::Escape($db))
        Test-Path $db | Should -BeFalse
        Get-TreeHash $ws.Root | Should -Be $before
    }

    It 'Test-MigrationEndpoint needs no control plane' {
        (Test-MigrationEndpoint $ws.Source -ReadOnly).IsHealthy | Should -BeTrue
        Test-Path $db | Should -BeFalse
    }

    It 'New-MigrationTask creates one' {
        New-MigrationTask -Name first -Source $ws.Source -Destination $ws.Destination | Out-Null
        Test-Path $db | Should -BeTrue
    }
}

Describe 'Messages tell the truth' {
    BeforeAll {
        $ws = New-TestWorkspace
        $env:MSPMIGRATION_CONFIG = $ws.Config
        New-SourceTree -Path $ws.Source -Count 2
        New-MigrationTask -Name existing -Source $ws.Source -Destination $ws.Destination | Out-Null
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        Remove-TestWorkspace $ws
    }

    It 'a limit out of range states the range (<Parameter> <Value>)' -ForEach @(
        @{ Parameter = 'QpsLimit'; Value = '1e9'; Range = '1000000' }
        @{ Parameter = 'QpsLimit'; Value = '-5'; Range = '1000000' }
        @{ Parameter = 'BandwidthLimit'; Value = '99999999TiB'; Range = '4611686018427387903' }
    ) {
        $rows = Get-PlaneRows
        $splat = @{ $Parameter = $Value }
        $err = Get-Failure { New-MigrationTask -Name limited -Source $ws.Source -Destination "$($ws.Root)/d2" @splat -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidLimit,*'
        $err.Exception.Message | Should -Match $Range
        $err.Exception.Message | Should -Not -Match 'greater than 0, such as'
        $err = Get-Failure { Set-MigrationTask -Name existing @splat -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidLimit,*'
        $err.Exception.Message | Should -Match $Range
        Get-PlaneRows | Should -Be $rows
    }

    It 'a source that is a file says so' {
        $file = Join-Path $ws.Root 'a-file.txt'
        Set-Content -Path $file -Value 'x'
        $rows = Get-PlaneRows
        $err = Get-Failure { New-MigrationTask -Name filesrc -Source $file -Destination "$($ws.Root)/d3" -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'SourceNotADirectory,*'
        $err.Exception.Message | Should -Match 'is a file'
        $err.Exception.Message | Should -Not -Match 'does not exist'
        Get-PlaneRows | Should -Be $rows
    }

    It 'Export-FailedObjects -Path into a missing folder gives ExportPathNotFound' {
        $target = Join-Path $ws.Root 'no-such-folder/failed.csv'
        $tree = Get-TreeHash $ws.Root
        $err = Get-Failure { Export-FailedObjects -Name existing -Path $target -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'ExportPathNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match 'no-such-folder'
        Get-TreeHash $ws.Root | Should -Be $tree
    }

    It 'Remove-MigrationTask without -Force in a non-interactive session asks for -Force' {
        $rows = Get-PlaneRows
        $r = Invoke-Pwsh -Workspace $ws -Name remove -AsUser -TimeoutSeconds 120 `
            -Script 'try { Remove-MigrationTask existing -ErrorAction Stop } catch { "ID=" + $_.FullyQualifiedErrorId; $_.Exception.Message; exit 3 }'
        $r.ExitCode | Should -Be 3
        $r.Output | Should -Match 'ID=ConfirmationRequired,'
        $r.Output | Should -Match '-Force'
        Get-PlaneRows | Should -Be $rows
    }

    It 'Remove-MigrationTask -Confirm:$false needs no prompt' {
        New-MigrationTask -Name spare -Source $ws.Source -Destination "$($ws.Root)/d4" | Out-Null
        $r = Invoke-Pwsh -Workspace $ws -Name remove2 -AsUser -TimeoutSeconds 120 -Script 'Remove-MigrationTask spare -Confirm:$false'
        $r.ExitCode | Should -Be 0
        Get-MigrationTask spare -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'README and the guide agree on max_attempts with the engine' {
        # The truth: the defaults the engine itself starts from, and the range the parser allows.
        $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'MspMigration.Engine' } | Select-Object -First 1
        $agentDefault = [Activator]::CreateInstance($engine.GetType('MspMigration.Engine.Configuration.AgentConfig')).MaxAttempts
        $requestDefault = [Activator]::CreateInstance($engine.GetType('MspMigration.Engine.Stores.S3.S3StoreSettings')).MaxAttempts
        $path = Join-Path $ws.Root 'attempts.toml'
        Set-Content -Path $path -Value "[agent]`nmax_attempts = 0"
        $range = (Get-Failure { Get-MigrationTask -ConfigPath $path -ErrorAction Stop }).Exception.Message -replace '.*(from \d+ to \d+).*', '$1'
        foreach ($doc in "$PSScriptRoot/../../README.md", "$PSScriptRoot/../../docs/guide.md") {
            $text = (Get-Content -Raw $doc) -replace '\s+', ' '
            $text | Should -Match ([regex]::Escape("``max_attempts`` in ``[agent]`` (default $agentDefault, $range)")) -Because $doc
            $text | Should -Match ([regex]::Escape("``max_attempts`` of a profile (default $requestDefault, per request)")) -Because $doc
        }
    }
}
