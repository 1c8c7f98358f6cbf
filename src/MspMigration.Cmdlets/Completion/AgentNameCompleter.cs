using System.Collections;

namespace MspMigration.Cmdlets.Completion;

/// <summary>Completes agent names from the control plane.</summary>
public sealed class AgentNameCompleter : NameCompleter
{
    private protected override IReadOnlyList<string> Names(IDictionary fakeBoundParameters) => CompletionSource.AgentNames(fakeBoundParameters);
}

/// <summary>Completes agent names and private addresses, either of which names a task's master.</summary>
public sealed class MasterAgentCompleter : NameCompleter
{
    private protected override IReadOnlyList<string> Names(IDictionary fakeBoundParameters) => CompletionSource.AgentNames(fakeBoundParameters, withAddresses: true);
}
