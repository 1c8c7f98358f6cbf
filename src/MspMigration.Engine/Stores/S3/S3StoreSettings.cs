using System.Globalization;
using MspMigration.Engine.Configuration;

namespace MspMigration.Engine.Stores.S3;

/// <summary>
/// A credential profile read for an S3-compatible store. Settings come from agent.toml
/// ([profiles.NAME]) and, where a setting is absent, from environment variables; the vendors'
/// own key names (OSS access_key_secret, Tencent secret_id/secret_key) are accepted.
/// </summary>
public sealed class S3StoreSettings
{
    public const long MiB = 1024 * 1024;

    public required S3Vendor Vendor { get; init; }
    public string? Region { get; init; }
    public string? Endpoint { get; init; }
    public bool InternalNetwork { get; init; }
    /// <summary>The vendor's global acceleration endpoint instead of the region's (profile setting accelerate).</summary>
    public bool Accelerate { get; init; }
    public bool ForcePathStyle { get; init; }
    /// <summary>A domain bound to the one bucket (custom_domain), as an http(s) address: requests go to domain/key.</summary>
    public string? CustomDomain { get; init; }
    public string? AccessKeyId { get; init; }
    public string? SecretAccessKey { get; init; }
    public string? SessionToken { get; init; }
    public long MultipartThreshold { get; init; } = 32 * MiB;
    public long PartSize { get; init; } = 8 * MiB;
    public int PartConcurrency { get; init; } = 4;
    /// <summary>Ranges of one object above the multipart threshold read at once (range_concurrency; 1 reads it as one stream).</summary>
    public int RangeConcurrency { get; init; } = 8;
    public int MaxAttempts { get; init; } = 5;
    /// <summary>The cap of one request body (timeout_seconds).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>How long a request may wait with no byte moving before it is abandoned and retried (stall_seconds).</summary>
    public TimeSpan StallTimeout { get; init; } = DefaultStall;
    public static readonly TimeSpan DefaultStall = TimeSpan.FromSeconds(30);
    /// <summary>Destination storage class override (a vendor name or Standard/IA/Archive/ColdArchive/DeepArchive).</summary>
    public string? StorageClass { get; init; }

    /// <summary>Every setting name a profile may hold, for the error on a misspelt one.</summary>
    public static readonly string[] KnownSettings =
    [
        "type", "region", "endpoint", "custom_domain", "internal", "accelerate", "force_path_style",
        "access_key_id", "secret_access_key", "access_key_secret", "secret_id", "secret_key", "session_token",
        "multipart_threshold_mb", "part_size_mb", "part_concurrency", "range_concurrency", "max_attempts", "timeout_seconds", "stall_seconds", "storage_class",
    ];

    /// <summary>
    /// Reads the settings for a store of <paramref name="vendor"/>. Without a profile, or for a
    /// setting the profile lacks, the environment is consulted: MSPMIGRATION_&lt;VENDOR&gt;_&lt;SETTING&gt;
    /// first, then the vendor's customary variables (ALIBABA_CLOUD_*, TENCENTCLOUD_*, AWS_*).
    /// <paramref name="stall"/> is the agent's stall_seconds, which the profile may override.
    /// </summary>
    public static S3StoreSettings From(S3Vendor vendor, CredentialProfile? profile, Func<string, string?>? environment = null, TimeSpan? stall = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var profileName = profile?.Name ?? "(environment)";
        if (profile is not null)
        {
            foreach (var key in profile.Keys)
                if (Array.IndexOf(KnownSettings, key.ToLowerInvariant()) < 0)
                    throw Invalid(profileName, key, $"is not a known setting; known settings: {string.Join(", ", KnownSettings)}");
            if (profile.Get("type") is { } type && S3Vendor.ForScheme(type) is null)
                throw Invalid(profileName, "type", $"must be one of {string.Join(", ", S3Vendor.All.Select(v => v.Scheme))}, not '{type}'");
            // A profile made for one vendor and used for another would sign for the wrong service.
            if (profile.Get("type") is { } t && !string.Equals(t, vendor.Scheme, StringComparison.OrdinalIgnoreCase))
                throw Invalid(profileName, "type", $"is '{t}', but the store is {vendor.Scheme}:// ({vendor.DisplayName})");
        }

        string? Get(params string[] names)
        {
            foreach (var n in names)
                if (profile?.Get(n) is { Length: > 0 } v) return v.Trim();
            return null;
        }
        string? Env(params string[] names)
        {
            foreach (var n in names)
                if (environment(n) is { Length: > 0 } v) return v.Trim();
            return null;
        }
        var prefix = $"MSPMIGRATION_{vendor.Scheme.ToUpperInvariant()}_";

        var keyId = Get("access_key_id", "secret_id") ?? Env([prefix + "ACCESS_KEY_ID", .. vendor.KeyIdVariables]);
        var secret = Get("secret_access_key", "access_key_secret", "secret_key") ?? Env([prefix + "SECRET_ACCESS_KEY", .. vendor.SecretVariables]);
        var token = Get("session_token") ?? Env([prefix + "SESSION_TOKEN", .. vendor.TokenVariables]);
        // The environment's secrets are as secret as the file's.
        SecretRedactor.Register(keyId);
        SecretRedactor.Register(secret);
        SecretRedactor.Register(token);
        if ((keyId is null) != (secret is null))
            throw Invalid(profileName, keyId is null ? "access_key_id" : "secret_access_key", "is missing; give both the key id and its secret, or neither");

        var endpoint = Get("endpoint") ?? Env(prefix + "ENDPOINT");
        if (endpoint is not null)
        {
            if (!endpoint.Contains("://", StringComparison.Ordinal)) endpoint = "https://" + endpoint;
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                throw Invalid(profileName, "endpoint", $"must be an http(s) address, not '{endpoint}'");
        }
        var customDomain = Get("custom_domain");
        if (customDomain is not null)
        {
            if (!customDomain.Contains("://", StringComparison.Ordinal)) customDomain = "https://" + customDomain;
            if (!Uri.TryCreate(customDomain, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https")
                || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
                throw Invalid(profileName, "custom_domain", $"must be a domain name, optionally with http(s):// and a port, not '{customDomain}'");
            customDomain = $"{uri.Scheme}://{uri.Authority}";
            foreach (var other in new[] { "endpoint", "internal", "accelerate", "force_path_style" })
                if (Get(other) is not null)
                    throw Invalid(profileName, "custom_domain", $"and '{other}' exclude each other: requests go to the domain, which serves one bucket at its root");
        }
        var region = Get("region") ?? Env([prefix + "REGION", .. vendor.RegionVariables]);
        var forcePathStyle = Bool(profileName, "force_path_style", Get("force_path_style") ?? Env(prefix + "FORCE_PATH_STYLE"), false);
        if (forcePathStyle && vendor.VirtualHostedOnly)
            throw Invalid(profileName, "force_path_style", $"cannot be true for {vendor.DisplayName}, which accepts virtual-hosted style only");

        var settings = new S3StoreSettings
        {
            Vendor = vendor,
            Region = region,
            Endpoint = endpoint,
            CustomDomain = customDomain,
            InternalNetwork = Bool(profileName, "internal", Get("internal"), false),
            Accelerate = Bool(profileName, "accelerate", Get("accelerate"), false),
            ForcePathStyle = forcePathStyle,
            AccessKeyId = keyId,
            SecretAccessKey = secret,
            SessionToken = token,
            MultipartThreshold = Number(profileName, "multipart_threshold_mb", Get("multipart_threshold_mb"), 32, 5, 1024) * MiB,
            PartSize = Number(profileName, "part_size_mb", Get("part_size_mb"), 8, 5, 1024) * MiB,
            PartConcurrency = (int)Number(profileName, "part_concurrency", Get("part_concurrency"), 4, 1, 64),
            RangeConcurrency = (int)Number(profileName, "range_concurrency", Get("range_concurrency"), 8, 1, 64),
            MaxAttempts = (int)Number(profileName, "max_attempts", Get("max_attempts"), 5, 1, 20),
            RequestTimeout = TimeSpan.FromSeconds(Number(profileName, "timeout_seconds", Get("timeout_seconds"), 300, 5, 3600)),
            StallTimeout = TimeSpan.FromSeconds(Number(profileName, "stall_seconds", Get("stall_seconds"),
                (long)(stall ?? DefaultStall).TotalSeconds, 1, 3600)),
            StorageClass = Get("storage_class"),
        };
        if (settings.Accelerate && vendor.AccelerateEndpoint is null)
            throw Invalid(profileName, "accelerate", $"applies only to services with an acceleration endpoint (OSS and COS), not to {vendor.Scheme}:// stores");
        if (settings.Accelerate && settings.InternalNetwork)
            throw Invalid(profileName, "accelerate", "and 'internal' exclude each other: the acceleration endpoint is public");
        // The vendor checks the signature against the bucket's region, which a domain does not name.
        if (customDomain is not null && vendor.EndpointTemplate is not null && string.IsNullOrEmpty(region))
            throw Invalid(profileName, "region", $"is required with 'custom_domain': requests to {vendor.DisplayName} are signed for the bucket's region");
        if (settings.ResolveEndpoint() is null)
            throw Invalid(profileName, "endpoint", vendor.EndpointTemplate is null
                ? $"is required for {vendor.Scheme}:// stores (any S3-compatible service: give its address)"
                : $"or 'region' is required for {vendor.DisplayName}");
        if (settings.StorageClass is { } sc && S3StorageClasses.Normalize(sc) is null)
            throw Invalid(profileName, "storage_class", $"'{sc}' is not a storage class this module knows ({string.Join(", ", S3StorageClasses.Neutral)})");
        return settings;
    }

    /// <summary>
    /// False when neither the profile nor the environment gives a key id, so that requests would
    /// go unsigned (anonymous). A profile without a type is checked against every vendor's variables.
    /// </summary>
    public static bool HasCredentials(CredentialProfile profile, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (profile.Get("access_key_id") is { Length: > 0 } || profile.Get("secret_id") is { Length: > 0 }) return true;
        S3Vendor[] vendors = profile.Get("type") is { } t && S3Vendor.ForScheme(t) is { } v ? [v] : [.. S3Vendor.All];
        return vendors.Any(vendor => ((string[])[$"MSPMIGRATION_{vendor.Scheme.ToUpperInvariant()}_ACCESS_KEY_ID", .. vendor.KeyIdVariables])
            .Any(name => environment(name) is { Length: > 0 }));
    }

    /// <summary>The endpoint requests go to: the explicit one, else the vendor's rule for the region.</summary>
    public string? ResolveEndpoint() => CustomDomain ?? Endpoint ?? Vendor.DefaultEndpoint(Region, InternalNetwork, Accelerate);

    private static bool Bool(string profile, string key, string? value, bool fallback) => value?.ToLowerInvariant() switch
    {
        null => fallback,
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw Invalid(profile, key, $"must be true or false, not '{value}'"),
    };

    private static long Number(string profile, string key, string? value, long fallback, long min, long max)
    {
        if (value is null) return fallback;
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        throw Invalid(profile, key, $"must be a whole number from {min} to {max}, not '{value}'");
    }

    // Names the setting, never its value when the setting is a secret.
    private static MigrationException Invalid(string profile, string key, string why) =>
        new("ProfileSettingInvalid", MigrationErrorKind.InvalidArgument, $"Setting '{key}' of credential profile '{profile}' {why}.", $"{profile}.{key}");
}
