@{
    RootModule           = 'MspMigration.Cmdlets.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '7d3c2a51-6a0e-4f7b-9a51-3c1f0b7e2d94'
    Author               = 'MspMigration contributors'
    CompanyName          = 'MspMigration'
    Copyright            = '(c) MspMigration contributors. All rights reserved.'
    Description          = 'Object storage migration (Alibaba Cloud OSS to Tencent Cloud COS, any S3-compatible store, local directories) with agents, a control plane, resumable segments and verified copies.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('MspMigration.Format.ps1xml')
    CmdletsToExport      = @(
        'New-MigrationTask'
        'Get-MigrationTask'
        'Start-MigrationAgent'
        'Get-MigrationStatus'
        'Export-FailedObjects'
        'Get-MigrationAgent'
        'Set-MigrationTask'
        'Suspend-MigrationTask'
        'Resume-MigrationTask'
        'Restart-MigrationTask'
        'Remove-MigrationTask'
        'Test-MigrationEndpoint'
        'Wait-MigrationTask'
        'Test-MigrationTask'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Migration', 'ObjectStorage', 'OSS', 'COS', 'S3', 'AlibabaCloud', 'TencentCloud', 'SQLite', 'PostgreSQL', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = 'https://github.com/mspmigration/MspMigration/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/mspmigration/MspMigration'
            ReleaseNotes = 'First release: tasks, agents with leased segments, SQLite and PostgreSQL control planes, local, S3-compatible (OSS, COS) and URL-list stores, verified copies, Wait-MigrationTask for CI jobs.'
        }
    }
}
