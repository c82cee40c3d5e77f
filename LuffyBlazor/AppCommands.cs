using LuffyBlazor.Data;
using LuffyBlazor.Features.Storage.Migration;
using LuffyBlazor.Features.Admin.Demo;

namespace LuffyBlazor;

/// <summary>
/// Maintenance commands run with the app's own configuration instead of serving:
/// <c>dotnet run --project LuffyBlazor -- migrate</c>, <c>... -- storage migrate --to Qiniu</c>,
/// <c>... -- seed-demo --orders 100000</c>.
/// </summary>
public static class AppCommands
{
    public static async Task<bool> RunCommandAsync(this WebApplication app, string[] args)
    {
        // A command comes first (`-- migrate`); later words are options' values (`--urls http://...`), never commands.
        var command = args.Length > 0 && !args[0].StartsWith('-') && !args[0].Contains('=') ? args[0] : null;
        switch (command)
        {
            case null:
                return false;
            case "migrate":
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
                    var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Migrate");
                    await DatabaseInitializer.MigrateAsync(db, logger, CancellationToken.None);
                    logger.LogInformation("Database is up to date");
                }

                return true;
            case "storage":
                Environment.ExitCode = await StorageCommands.RunAsync(
                    app.Services, args.SkipWhile(a => a != "storage").Skip(1).ToList(), Console.Out);
                return true;
            case "seed-demo":
                Environment.ExitCode = await SeedDemoCommand.RunAsync(app.Services, args, Console.Out);
                return true;
            default:
                await Console.Error.WriteLineAsync($"Unknown command '{command}'. Commands: migrate, storage migrate, seed-demo.");
                Environment.ExitCode = 2;
                return true;
        }
    }
}
