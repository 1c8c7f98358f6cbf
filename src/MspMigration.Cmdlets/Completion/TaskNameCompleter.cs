using System.Collections;

namespace MspMigration.Cmdlets.Completion;

/// <summary>Completes task names from the control plane.</summary>
public sealed class TaskNameCompleter : NameCompleter
{
    private protected override IReadOnlyList<string> Names(IDictionary fakeBoundParameters) => CompletionSource.TaskNames(fakeBoundParameters);
}
