using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage.Migration;

/// <summary>
/// <c>dotnet run --project LuffyBlazor -- storage migrate --to Qiniu [--from Local]</c>: copies the media to another
/// store with the app's own configuration (the target's <c>Storage:*</c> settings must be set, e.g. as environment
/// variables), printing each file as it goes.
/// </summary>
public static class StorageCommands
{
    public const string Usage = "Usage: storage migrate --to <Local|Qiniu|S3|FastDfs> [--from <Local|Qiniu|S3|FastDfs>] (default --from: Storage:Provider)";

    /// <summary>Runs the command; returns the process exit code (0 done, 1 some files failed, 2 bad usage or settings).</summary>
    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, CancellationToken ct = default)
    {
        if (args.Count == 0 || args[0] != "migrate")
        {
            await output.WriteLineAsync(Usage);
            return 2;
        }

        StorageProvider current;
        try
        {
            current = services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
        }
        catch (OptionsValidationException ex)
        {
            await output.WriteLineAsync("The storage settings are not valid; fix these first:");
            foreach (var failure in ex.Failures)
            {
                await output.WriteLineAsync("  - " + failure);
            }

            return 2;
        }

        if (!TryProvider(Option(args, "--to"), null, out var to) || !TryProvider(Option(args, "--from"), current, out var from))
        {
            await output.WriteLineAsync(Usage);
            return 2;
        }

        if (from == to)
        {
            await output.WriteLineAsync($"The media is already in {to}: --to must name another store than --from ({from}).");
            return 2;
        }

        var validator = services.GetRequiredService<StorageOptionsValidator>();
        var problems = validator.ProblemsOf(from).Concat(validator.ProblemsOf(to)).ToList();
        if (problems.Count > 0)
        {
            await output.WriteLineAsync($"Cannot migrate from {from} to {to}; fix these settings first:");
            foreach (var problem in problems)
            {
                await output.WriteLineAsync("  - " + problem);
            }

            return 2;
        }

        await using var scope = services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<StorageMigration>().RunAsync(from, to, output, ct);
        return report.Succeeded ? 0 : 1;
    }

    /// <summary><c>--to Qiniu</c> or <c>--to=Qiniu</c>.</summary>
    private static string? Option(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == name && i + 1 < args.Count)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith(name + "=", StringComparison.Ordinal))
            {
                return args[i][(name.Length + 1)..];
            }
        }

        return null;
    }

    private static bool TryProvider(string? text, StorageProvider? fallback, out StorageProvider provider)
    {
        if (text is null && fallback is { } value)
        {
            provider = value;
            return true;
        }

        return Enum.TryParse(text, ignoreCase: true, out provider) && Enum.IsDefined(provider);
    }
}
