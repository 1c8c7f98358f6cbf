using System.Management.Automation;

namespace MspMigration.Cmdlets.Infrastructure;

/// <summary>
/// Lets a TimeSpan parameter take a plain number as hours (-RestoreTimeout 48): PowerShell alone
/// would read 48 as 48 ticks. A TimeSpan or its text ('2.00:00:00') passes through unchanged.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class HoursOrTimeSpanAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
        (inputData is PSObject ps ? ps.BaseObject : inputData) switch
        {
            int i => TimeSpan.FromHours(i),
            long l => TimeSpan.FromHours(l),
            double d when double.IsFinite(d) && Math.Abs(d) < TimeSpan.MaxValue.TotalHours => TimeSpan.FromHours(d),
            decimal m => TimeSpan.FromHours((double)m),
            var other => other,
        };
}
