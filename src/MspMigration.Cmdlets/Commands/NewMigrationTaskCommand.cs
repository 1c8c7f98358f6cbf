using System.Management.Automation;
using MspMigration.Cmdlets.Completion;
using MspMigration.Cmdlets.Infrastructure;

namespace MspMigration.Cmdlets.Commands;

/// <summary>Creates a migration task in the control plane. Agents pick it up at their next poll.</summary>
[Cmdlet(VerbsCommon.New, "MigrationTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(MigrationTask))]
public sealed class NewMigrationTaskCommand : MigrationCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("TaskName")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>
    /// local:///path, a plain directory path, oss://bucket/prefix, cos://name-appid/prefix, s3://bucket/prefix,
    /// or urllist:///path/list.txt for a text file of http(s) URLs, one a line ('#' starts a comment line).
    /// Each URL's path, percent-decoded and without its leading '/', is the object's key; the query string is
    /// sent but is not part of the key; of lines with the same key the first wins. Add ?strip=prefix/ to
    /// remove a prefix from every key (urllist:///data/list.txt?strip=images/).
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true,
        HelpMessage = "Where to copy from: a directory, local:///path, oss://bucket/prefix, cos://name-appid/prefix, s3://bucket/prefix, " +
            "or urllist:///path/list.txt[?strip=prefix/] (a file of http(s) URLs, one a line; the key is the URL path without '/' and the prefix).")]
    [ValidateNotNullOrEmpty]
    public string Source { get; set; } = "";

    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? SourceProfile { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? DestinationProfile { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SameNamePolicy SameNamePolicy { get; set; } = SameNamePolicy.Overwrite;

    /// <summary>Name or private IP of the agent that lists the source; any agent when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(MasterAgentCompleter))]
    public string? MasterAgent { get; set; }

    /// <summary>Objects started per second for the whole cluster, such as 500; 0 or "none" for no limit.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? QpsLimit { get; set; }

    /// <summary>Bytes read per second for the whole cluster: 50kbit, 10Mbit, 20MB, 512KiB or a number of bytes.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? BandwidthLimit { get; set; }

    /// <summary>Only keys starting with this (relative to the source).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? KeyPrefix { get; set; }

    /// <summary>Only keys matching one of these wildcards (* within a segment, ** across, ?, [set]).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? Include { get; set; }

    /// <summary>No key matching one of these wildcards.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? Exclude { get; set; }

    /// <summary>Only objects modified after this time ("migrate only files modified after").</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public DateTimeOffset? ModifiedAfter { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public DateTimeOffset? ModifiedBefore { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, long.MaxValue)]
    public long? MinSize { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, long.MaxValue)]
    public long? MaxSize { get; set; }

    /// <summary>Daily window in the agents' local time, such as 21:00-06:00; agents pause outside it.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? TimeWindow { get; set; }

    /// <summary>Storage class of the objects written to the destination, as its service names it (COS: STANDARD_IA, ARCHIVE, ...).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? StorageClass { get; set; }

    /// <summary>Restore archived source objects for this many days (1-365) and copy each once readable.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int? RestoreArchived { get; set; }

    /// <summary>How long after the pass starts archived objects may wait for their restore: a TimeSpan, or a number of hours.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [HoursOrTimeSpan]
    public TimeSpan? RestoreTimeout { get; set; }

    protected override bool CreatesControlPlane => true;

    protected override void ProcessRecord()
    {
        if (!ShouldProcess($"{Source} -> {Destination}", $"Create migration task '{Name}'")) return;
        try
        {
            var request = new Engine.Facade.TaskRequest
            {
                Name = Name,
                Source = Engine.Stores.StoreKinds.WithAbsolutePaths(Source, ResolvePath),
                SourceProfile = SourceProfile,
                Destination = Engine.Stores.StoreKinds.WithAbsolutePaths(Destination, ResolvePath),
                DestinationProfile = DestinationProfile,
                SameNamePolicy = SameNamePolicy,
                MasterAgent = MasterAgent,
                Settings = new MigrationTaskSettings
                {
                    QpsLimit = Engine.Facade.LimitText.Qps(QpsLimit),
                    BandwidthLimit = Engine.Facade.LimitText.Bandwidth(BandwidthLimit),
                    KeyPrefix = KeyPrefix,
                    Include = Include ?? [],
                    Exclude = Exclude ?? [],
                    ModifiedAfter = ModifiedAfter,
                    ModifiedBefore = ModifiedBefore,
                    MinSize = MinSize,
                    MaxSize = MaxSize,
                    TimeWindow = TimeWindow,
                    StorageClass = StorageClass,
                    RestoreArchived = RestoreArchived,
                    RestoreTimeout = RestoreTimeout,
                },
            };
            var service = Service();
            var output = new CmdletOutput(this);
            WriteObject(RunPumped(ct => service.CreateTaskAsync(request, output, ct)));
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            Fail(e);
        }
    }
}
