using System.Reflection;
using System.Runtime.Loader;

namespace MspMigration.Cmdlets.Loading;

/// <summary>
/// Loads the engine and its third-party dependencies (AWS SDK, SQLite with its native library,
/// Tomlyn, …) from the module's dependencies/ folder into a context of their own, so that a
/// session that already loaded other versions of them still works with this module.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    public const string EngineAssemblyName = "MspMigration.Engine";
    private static readonly Assembly Contracts = typeof(MigrationTask).Assembly;
    private readonly AssemblyDependencyResolver _resolver;
    private readonly string _folder;

    private EngineLoadContext(string folder) : base("MspMigration.Engine", isCollectible: false)
    {
        _folder = folder;
        _resolver = new AssemblyDependencyResolver(Path.Combine(folder, EngineAssemblyName + ".dll"));
    }

    public static EngineLoadContext Instance { get; } = new(Path.Combine(
        Path.GetDirectoryName(typeof(EngineLoadContext).Assembly.Location)!, "dependencies"));

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Contracts is shared with PowerShell: the engine must see the very same types.
        if (assemblyName.Name == Contracts.GetName().Name) return Contracts;
        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        if (path is null)
        {
            var local = Path.Combine(_folder, assemblyName.Name + ".dll");
            if (File.Exists(local)) path = local;
        }
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
