using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace MspMigration.Cmdlets.Loading;

/// <summary>
/// Runs on Import-Module: routes the one request the default context cannot satisfy, the
/// engine assembly, to <see cref="EngineLoadContext"/>. Everything the engine needs then
/// resolves inside that context.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    public void OnImport() => AssemblyLoadContext.Default.Resolving += ResolveEngine;

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= ResolveEngine;

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == EngineLoadContext.EngineAssemblyName ? EngineLoadContext.Instance.LoadFromAssemblyName(name) : null;
}
