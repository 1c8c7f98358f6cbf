# Bad S3 addresses and profiles are refused up front, with a stable ErrorId and the value as target.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module (Get-ModuleManifestPath) -Force
    $ws = New-TestWorkspace
    Add-Content -Path $ws.Config -Value @"

[profiles.typo]
type = "cos"
region = "ap-guangzhou"
secret_kye = "x"
"@
    $env:MSPMIGRATION_CONFIG = $ws.Config
}
AfterAll {
    $env:MSPMIGRATION_CONFIG = $null
    Remove-TestWorkspace $ws
}

Describe 'S3 store addresses and profiles' -Tag S3 {
    It 'rejects a COS bucket without its APPID at task creation' {
        $err = $null
        try { New-MigrationTask -Name c -Source $ws.Source -Destination 'cos://photos/2024/' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidBucketName,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'photos'
        $err.Exception.Message | Should -Match 'APPID'
        @(Get-MigrationTask) | Should -BeNullOrEmpty
    }

    It 'rejects an OSS bucket name with upper-case letters' {
        { New-MigrationTask -Name o -Source 'oss://Photos/x' -Destination $ws.Destination } | Should -Throw -ErrorId 'InvalidBucketName,*'
    }

    It 'reports a misspelt profile setting by name' {
        $r = Test-MigrationEndpoint cos://photos-1250000000/ -Profile typo
        $r.IsHealthy | Should -BeFalse
        $r.Problems[0] | Should -Match "Setting 'secret_kye' of credential profile 'typo'"
    }

    It 'reports an unknown profile with a stable ErrorId' {
        $err = $null
        Test-MigrationEndpoint cos://photos-1250000000/ -Profile nobody -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ProfileNotFound,*'
        $err[0].TargetObject | Should -Be 'nobody'
    }
}
