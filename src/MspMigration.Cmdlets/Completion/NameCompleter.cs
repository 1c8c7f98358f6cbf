using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MspMigration.Cmdlets.Completion;

/// <summary>Offers the names that start with what was typed (quotes and wildcards allowed), quoted when needed.</summary>
public abstract class NameCompleter : IArgumentCompleter
{
    private protected abstract IReadOnlyList<string> Names(IDictionary fakeBoundParameters);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = (wordToComplete ?? "").Trim('\'', '"');
        var pattern = WildcardPattern.Get(WildcardPattern.Escape(typed).Replace("`*", "*").Replace("`?", "?") + "*", WildcardOptions.IgnoreCase);
        foreach (var name in Names(fakeBoundParameters))
            if (pattern.IsMatch(name))
                yield return new CompletionResult(Quote(name), name, CompletionResultType.ParameterValue, name);
    }

    // Bare words are fine for plain names; anything the parser would split or expand is quoted.
    private static string Quote(string name) =>
        name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '/')
            ? name
            : "'" + name.Replace("'", "''") + "'";
}
