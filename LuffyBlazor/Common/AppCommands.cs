using LuffyBlazor.Data;
using LuffyBlazor.Features.Admin.Demo;

namespace LuffyBlazor.Common;

/// <summary>
/// Maintenance commands run with the app's own configuration instead of serving:
/// <c>dotnet run --project LuffyBlazor -- migrate</c>, <c>... -- seed-demo --orders 100000</c>.
/// </summary>
public static class AppCommands
{
    public static async Task<bool> RunCommandAsync(this WebApplication app, string[] args)
    {
        var command = args.FirstOrDefault(a => !a.StartsWith('-') && !a.Contains('='));
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
            case "seed-demo":
                Environment.ExitCode = await SeedDemoCommand.RunAsync(app.Services, args);
                return true;
            default:
                await Console.Error.WriteLineAsync($"Unknown command '{command}'. Commands: migrate, seed-demo.");
                Environment.ExitCode = 2;
                return true;
        }
    }
}
