# Failed objects carry a reason a user can group by: one word per kind of failure, whatever the
# key. Real s3rver behind the fault proxy (which answers chosen keys 403, 503 SlowDown, 404, never,
# or with a damaged body), a real web server for a URL list, agents in their own pwsh processes.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:NoS3 = Get-MissingPrerequisite s3rver
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/StaticHttpServer.psm1" -Force
    $script:Src = Start-S3rver -Bucket src-bucket
    $script:Proxy = Start-FaultProxy -Target $Src -BlackholeRate 1 -Match '^GetObject src-bucket/hang/' -Answers @(
        @{ match = '^GetObject src-bucket/denied/'; status = 403; code = 'AccessDenied' }
        @{ match = '^GetObject src-bucket/slow/'; status = 503; code = 'SlowDown' }
        @{ match = '^GetObject src-bucket/gone/'; status = 404; code = 'NoSuchKey' }
        @{ match = '^GetObject src-bucket/damaged/'; corrupt = $true }
        # Vendor codes: one retried (the first GET only), one given up at once.
        @{ match = '^GetObject src-bucket/once/'; status = 503; code = 'SlowDown'; limit = 1 }
        @{ match = '^GetObject src-bucket/cold/'; status = 403; code = 'InvalidObjectState'; message = "The operation is not valid for the object's state" }
    )
    $script:ws = New-TestWorkspace -AgentSettings @{ max_attempts = 2; stall_seconds = 2 }
    Add-S3Profile -Workspace $ws -Name src -Endpoint $Proxy.Endpoint -Extra 'max_attempts = 2'
    $keys = 'ok/1', 'ok/2', 'denied/a', 'denied/b', 'slow/a', 'slow/b', 'gone/a', 'damaged/a', 'damaged/b', 'hang/a', 'once/a', 'cold/a'
    foreach ($k in $keys) { Add-S3Object -Server $Src -Bucket src-bucket -Key $k -Body ([Text.Encoding]::UTF8.GetBytes("body of $k")) }

    # A URL list with two URLs the server has and two it has not.
    $site = Join-Path $ws.Root 'site'
    New-Item -ItemType Directory -Path "$site/files" | Out-Null
    'one', 'two' | ForEach-Object { Set-Content -Path "$site/files/$_.txt" -Value $_ }
    $script:Web = Start-StaticHttpServer -Path $site
    Set-Content -Path (Join-Path $ws.Root 'urls.txt') -Value ('one.txt', 'two.txt', 'missing-1.txt', 'missing-2.txt' | ForEach-Object { "$($Web.BaseUrl)files/$_" })

    $script:run = Invoke-Pwsh -Workspace $ws -Name run -TimeoutSeconds 240 -Script @'
New-MigrationTask -Name s3 -Source s3://src-bucket/ -SourceProfile src -Destination ./dst-s3 | Out-Null
New-MigrationTask -Name web -Source 'urllist://urls.txt?strip=files/' -Destination ./dst-web | Out-Null
$null = Start-MigrationAgent -ExitWhenIdle -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
Export-FailedObjects s3, web | Group-Object Reason | Sort-Object Name | ForEach-Object { '{0}={1}' -f $_.Name, (($_.Group.Key | Sort-Object) -join ',') }
Export-FailedObjects s3, web -Path failed.csv
Export-FailedObjects s3, web -Path failed.json
'@
    $script:groups = @{}
    foreach ($line in $run.Output -split "`r?`n" | Where-Object { $_ -match '^\w+=' }) {
        $name, $members = $line -split '=', 2
        $groups[$name] = $members
    }
}

AfterAll {
    Stop-StaticHttpServer $Web
    Stop-FaultProxy $Proxy
    Stop-S3rver $Src
    Remove-TestWorkspace $ws
}

Describe 'Export-FailedObjects | Group-Object Reason' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    It 'gives one group per kind of failure, whatever the keys' {
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $groups['AccessDenied'] | Should -Be 'denied/a,denied/b'
        $groups['Throttled'] | Should -Be 'slow/a,slow/b'
        $groups['NotFound'] | Should -Be 'gone/a,missing-1.txt,missing-2.txt'
        $groups['IntegrityMismatch'] | Should -Be 'damaged/a,damaged/b'
        $groups['Timeout'] | Should -Be 'hang/a'
        $groups['SourceArchived'] | Should -Be 'cold/a'
        $groups.Keys | Sort-Object | Should -Be @('AccessDenied', 'IntegrityMismatch', 'NotFound', 'SourceArchived', 'Throttled', 'Timeout')
    }

    It 'writes the reason beside the message in CSV and JSON' {
        $csv = Import-Csv (Join-Path $ws.Root 'failed.csv')
        ($csv | Where-Object Key -eq 'slow/a').Reason | Should -Be 'Throttled'
        ($csv | Where-Object Key -eq 'slow/a').Error | Should -Match 'SlowDown'
        $json = Get-Content -Raw (Join-Path $ws.Root 'failed.json') | ConvertFrom-Json
        ($json | Where-Object Key -eq 'denied/b').Reason | Should -Be 'AccessDenied'
        @($json).Count | Should -Be 11
    }
}

Describe 'Vendor error codes' -Tag S3, "skip: $NoS3" -Skip:([bool]$NoS3) {
    BeforeAll { $stats = Get-FaultProxyStats $Proxy }

    It 'retries a code the vendors document as retryable (503 SlowDown), and the object is copied' {
        $stats.keys.'src-bucket/once/a'.GetObject.requests | Should -Be 2
        [IO.File]::ReadAllText((Join-Path $ws.Root 'dst-s3/once/a')) | Should -Be 'body of once/a'
    }

    It 'gives up at once on a code that will not change by retrying (403 InvalidObjectState), as SourceArchived' {
        $stats.keys.'src-bucket/cold/a'.GetObject.requests | Should -Be 1
        $csv = Import-Csv (Join-Path $ws.Root 'failed.csv')
        $cold = $csv | Where-Object Key -eq 'cold/a'
        $cold.Reason | Should -Be 'SourceArchived'
        $cold.Attempts | Should -Be 1
        $cold.Error | Should -Match 'archive storage class'
    }
}
