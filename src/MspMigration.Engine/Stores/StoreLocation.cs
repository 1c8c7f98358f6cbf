namespace MspMigration.Engine.Stores;

/// <summary>
/// A parsed store address: a scheme its <see cref="IStoreKind"/> answers to, the bucket (or the
/// folder or file the kind reads) and a key prefix. How each kind's addresses look and parse is
/// the kind's own business (see <see cref="StoreKinds"/>).
/// </summary>
public sealed record StoreLocation(string Scheme, string Bucket, string Prefix)
{
    public IStoreKind Kind => StoreKinds.Of(this);

    /// <summary>What a store here can do, before it is opened.</summary>
    public StoreCapabilities Capabilities => Kind.Capabilities(this);

    /// <summary>The canonical text stored in the control plane (local paths made absolute).</summary>
    public override string ToString() => Kind.Format(this);

    public static StoreLocation Parse(string text, string parameterName) => StoreKinds.Parse(text, parameterName);
}
