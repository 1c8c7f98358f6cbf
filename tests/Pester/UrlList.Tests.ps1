# URL-list mode: the source is a text file of http(s) URLs served by a local HTTP server.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/StaticHttpServer.psm1" -Force
}

Describe 'A URL-list migration end to end' {
    BeforeAll {
        $ws = New-TestWorkspace
        $site = Join-Path $ws.Root 'site'
        $files = Join-Path $site 'files'
        New-SourceTree -Path $files -Count 300
        # Keys that must survive percent-encoding in the URL and decoding into the key.
        $odd = @('unicode/数据/ü.txt', 'plus+sign/x+y', 'percent%/p%41', 'semi;colon/a=b')
        foreach ($k in $odd) {
            $p = Join-Path $files $k
            New-Item -ItemType Directory -Force -Path (Split-Path $p) | Out-Null
            [IO.File]::WriteAllText($p, "content of $k")
        }
        $server = Start-StaticHttpServer -Path $site
        $encode = { param($rel) ($rel -split '/' | ForEach-Object { [Uri]::EscapeDataString($_) }) -join '/' }
        $urls = [Collections.Generic.List[string]]::new()
        Get-ChildItem $files -Recurse -File | ForEach-Object {
            $rel = [IO.Path]::GetRelativePath($files, $_.FullName).Replace('\', '/')
            $urls.Add($server.BaseUrl + 'files/' + (& $encode $rel))
        }
        $missing = 1..12 | ForEach-Object { 'missing/m{0:00}.bin' -f $_ }
        foreach ($m in $missing) { $urls.Add($server.BaseUrl + 'files/' + $m) }
        $served = $urls.Count - $missing.Count
        # Shuffled, so the store's own sort is what puts the keys in order.
        $rng = [Random]::new(7)
        $lines = @('# URL list for the test', '') + ($urls | Sort-Object { $rng.Next() })
        # The same key again (a query string is not part of the key): skipped with a warning.
        $lines += $urls[0] + '?copy=2'
        Set-Content -Path (Join-Path $ws.Root 'urls.txt') -Value $lines -Encoding utf8

        $run = Invoke-Pwsh -Workspace $ws -Name run -Script @'
New-MigrationTask -Name web -Source 'urllist://urls.txt?strip=files/' -Destination ./dst -WarningVariable w -WarningAction SilentlyContinue | Out-Null
"warnings: $($w.Count) $($w -join ' ')"
(Get-MigrationTask web).Source
# The 404s make the task complete with failures, which the agent reports as an error.
Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue -ErrorAction SilentlyContinue | Out-Null
Get-MigrationStatus web | ConvertTo-Json -Compress -EnumsAsStrings
Get-MigrationTask web | Export-FailedObjects -Path failed.csv
'@
        $out = $run.Output.Trim() -split "`r?`n"
    }
    AfterAll {
        Stop-StaticHttpServer $server
        Remove-TestWorkspace $ws
    }

    It 'creates the task with the list path made absolute and warns of the duplicate line' {
        $run.Error | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        $out[0] | Should -Match '^warnings: 1 .*line \d+ \(key of line \d+\)'
        $out[1] | Should -Be "urllist://$($ws.Root)/urls.txt?strip=files%2F"
    }

    It 'copies every served URL and fails only the 404s' {
        $status = $out[2] | ConvertFrom-Json
        $status.State | Should -Be 'CompletedWithFailures'
        $status.Total | Should -Be $urls.Count
        $status.Succeeded | Should -Be $served
        $status.Failed | Should -Be $missing.Count
    }

    It 'leaves the destination byte-identical to the served files, under the stripped keys' {
        Compare-Tree -Source $files -Destination $ws.Destination | Should -BeNullOrEmpty
    }

    It 'exports the 404s as failed objects with the URL and status' {
        $rows = Import-Csv (Join-Path $ws.Root 'failed.csv')
        ($rows.Key | Sort-Object) | Should -Be ($missing | Sort-Object)
        foreach ($row in $rows) {
            $row.Error | Should -Match ([regex]::Escape("GET $($server.BaseUrl)files/$($row.Key) answered 404"))
        }
    }
}

Describe 'New-MigrationTask rejects a bad URL list' {
    BeforeAll {
        $ws = New-TestWorkspace
        $env:MSPMIGRATION_CONFIG = $ws.Config
        Import-Module (Get-ModuleManifestPath) -Force
    }
    AfterAll {
        $env:MSPMIGRATION_CONFIG = $null
        Remove-TestWorkspace $ws
    }

    It 'names the malformed lines by number and creates nothing' {
        $list = Join-Path $ws.Root 'bad.txt'
        Set-Content -Path $list -Value @(
            '# header', 'http://127.0.0.1/ok', 'ftp://127.0.0.1/x', '', 'www.example.com/no-scheme',
            'http://127.0.0.1/fine', 'http://127.0.0.1/', 'https://127.0.0.1/%FF')
        $err = $null
        try { New-MigrationTask -Name bad -Source "urllist://$list" -Destination $ws.Destination } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'UrlListInvalid,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.TargetObject | Should -Be $list
        $err.Exception.Message | Should -Match '4 malformed lines'
        foreach ($n in 3, 5, 7, 8) { $err.Exception.Message | Should -Match "line $n\b" }
        foreach ($n in 1, 2, 6) { $err.Exception.Message | Should -Not -Match "line $n\b" }
        Get-MigrationTask | Should -BeNullOrEmpty
    }

    It 'reports a missing list file as SourceNotFound' {
        $missing = Join-Path $ws.Root 'none.txt'
        $err = $null
        try { New-MigrationTask -Name none -Source "urllist://$missing" -Destination $ws.Destination } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'SourceNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match ([regex]::Escape($missing))
    }

    It 'refuses a URL list as the destination' {
        $list = Join-Path $ws.Root 'ok.txt'
        Set-Content -Path $list -Value 'http://127.0.0.1/a'
        { New-MigrationTask -Name dst -Source $ws.Source -Destination "urllist://$list" } | Should -Throw -ErrorId 'DestinationReadOnly,*'
        Get-MigrationTask | Should -BeNullOrEmpty
    }
}
