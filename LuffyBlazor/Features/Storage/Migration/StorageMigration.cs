namespace LuffyBlazor.Features.Storage.Migration;

public sealed record MigrationReport(int Total, int Copied, int Skipped, int Missing, int Failed)
{
    public bool Succeeded => Failed == 0;
}

/// <summary>
/// Copies every media key the app refers to (whatever the <see cref="IMediaKeySource"/>s name: course covers, teacher
/// avatars, lesson videos) from one store to another, streaming each file. Resumable: a key the target already holds
/// with the same size is skipped, so running it again after an interruption only copies what is left. Nothing is
/// deleted from the source.
/// </summary>
public sealed class StorageMigration(IEnumerable<IMediaKeySource> sources, FileStores stores)
{
    public async Task<IReadOnlyList<string>> ReferencedKeysAsync(CancellationToken ct = default)
    {
        var keys = new List<string>();
        foreach (var source in sources)
        {
            keys.AddRange(await source.MediaKeysAsync(ct));
        }

        return keys.Where(StorageKeys.IsValid).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    public async Task<MigrationReport> RunAsync(StorageProvider from, StorageProvider to, TextWriter output, CancellationToken ct = default)
    {
        var source = stores.Get(from);
        var target = stores.Get(to);
        var keys = await ReferencedKeysAsync(ct);
        await output.WriteLineAsync($"Copying {keys.Count} media file(s) referenced by the database from {from} to {to}…");
        int copied = 0, skipped = 0, missing = 0, failed = 0;
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            var prefix = $"[{i + 1}/{keys.Count}] {key}";
            try
            {
                var original = await source.StatAsync(key, ct);
                if (original is null)
                {
                    missing++;
                    await output.WriteLineAsync($"{prefix}: not in {from}, nothing to copy");
                    continue;
                }

                if (await target.StatAsync(key, ct) is { } existing && existing.Length == original.Length)
                {
                    skipped++;
                    await output.WriteLineAsync($"{prefix}: already in {to} ({MediaRules.FormatSize(original.Length)}), skipped");
                    continue;
                }

                await using (var content = await source.OpenReadAsync(key, ct))
                {
                    await target.SaveAsync(key, content, MediaRules.ContentTypeOf(key), ct);
                }

                copied++;
                await output.WriteLineAsync($"{prefix}: copied ({MediaRules.FormatSize(original.Length)})");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failed++;
                await output.WriteLineAsync($"{prefix}: FAILED — {ex.Message}");
            }
        }

        var report = new MigrationReport(keys.Count, copied, skipped, missing, failed);
        await output.WriteLineAsync(
            $"Done: {copied} copied, {skipped} already there, {missing} missing in {from}, {failed} failed.");
        await output.WriteLineAsync(report.Succeeded
            ? $"Now switch the app to the new store: set Storage:Provider={to} (e.g. the environment variable Storage__Provider={to}) and restart. {from} still holds its copy until you remove it."
            : "Run the same command again to retry: files already copied are skipped.");
        return report;
    }
}
