using System.Text;
using MspMigration.Engine.Configuration;

namespace MspMigration.Engine.Stores;

/// <summary>
/// Checks that a store works with a profile: lists one key, reads a few bytes of the first
/// object, and writes, reads back and deletes a small probe object. Every failure becomes a
/// line of the result rather than an exception, so one run tells everything that is wrong.
/// </summary>
public static class EndpointProbe
{
    public const string ProbePrefix = ".mspmigration-probe-";

    public static async Task<EndpointTestResult> RunAsync(StoreLocation location, string? profileName, CredentialProfile? profile,
        bool checkWrite, CancellationToken cancellationToken, TimeSpan? stall = null)
    {
        var problems = new List<string>();
        IObjectStore store;
        try
        {
            store = StoreFactory.Open(location, profile, stall);
        }
        catch (MigrationException e)
        {
            return new EndpointTestResult { Location = location.ToString(), Profile = profileName, Problems = [SecretRedactor.Redact(e.Message)] };
        }
        await using (store)
        {
            var canList = false;
            bool? canRead = null, canWrite = null;
            string? firstKey = null;
            try
            {
                var page = await store.ListAsync(null, 1, cancellationToken).ConfigureAwait(false);
                canList = true;
                firstKey = page.Objects.Count > 0 ? page.Objects[0].Key : null;
            }
            catch (StoreException e) { problems.Add(Line("list", e)); }
            if (firstKey is not null)
            {
                try
                {
                    await using var reader = await store.OpenReadAsync(firstKey, cancellationToken).ConfigureAwait(false);
                    var buffer = new byte[Math.Min(4096, Math.Max(1, reader.Info.Size))];
                    _ = await reader.Content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                    canRead = true;
                }
                catch (Exception e) when (e is StoreException or IOException) { canRead = false; problems.Add(Line("read", e)); }
            }
            if (checkWrite)
            {
                var key = ProbePrefix + Guid.NewGuid().ToString("N");
                var body = Encoding.UTF8.GetBytes("MspMigration endpoint probe; safe to delete.\n");
                try
                {
                    var put = await store.PutAsync(key, new MemoryStream(body), body.Length, new ObjectMetadata { ContentType = "text/plain" }, null, null, cancellationToken)
                        .ConfigureAwait(false);
                    var head = await store.HeadAsync(key, cancellationToken).ConfigureAwait(false);
                    canWrite = put.Size == body.Length && head?.Size == body.Length;
                    if (canWrite == false) problems.Add($"write: the probe object '{key}' was not stored intact.");
                    await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
                }
                catch (StoreException e) { canWrite ??= false; problems.Add(Line(canWrite == true ? "delete" : "write", e)); }
            }
            return new EndpointTestResult
            {
                Location = location.ToString(),
                Profile = profileName,
                Endpoint = store.Endpoint,
                CanList = canList,
                CanRead = canRead,
                CanWrite = canWrite,
                Problems = problems,
            };
        }
    }

    private static string Line(string what, Exception e) =>
        SecretRedactor.Redact($"{what}: {(e is StoreException ? e.Message : $"{e.GetType().Name}: {e.Message}")}");
}
