using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Data;

/// <summary>Brings the database to the current schema and runs the seeders, before the app takes requests.</summary>
public static class DatabaseInitializer
{
    public static async Task InitializeDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var options = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseInitializer));
        var db = provider.GetRequiredService<LuffyDbContext>();

        // Several instances starting at once take turns (PostgreSQL): the first migrates and seeds, the others find it done.
        await using var startupLock = await StartupLock.AcquireAsync(db, ct);
        if (options.MigrateOnStartup)
        {
            await ApplyMigrationsAsync(db, logger, ct);
        }
        else
        {
            await RequireMigratedAsync(db, ct);
        }

        foreach (var seeder in provider.GetServices<IDataSeeder>())
        {
            await seeder.SeedAsync(ct);
        }
    }

    /// <summary>
    /// Where deployments migrate separately, a database they have not migrated yet stops start-up with the way out,
    /// instead of seeding into missing tables or serving an old schema.
    /// </summary>
    private static async Task RequireMigratedAsync(LuffyDbContext db, CancellationToken ct)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
        {
            throw new InvalidOperationException(
                $"The database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}) and Database:MigrateOnStartup is false. " +
                "Apply them first with `dotnet run --project LuffyBlazor -- migrate`, or set Database:MigrateOnStartup=true.");
        }
    }

    /// <summary>Applies pending migrations, waiting for any instance that is starting up meanwhile.</summary>
    public static async Task MigrateAsync(LuffyDbContext db, ILogger logger, CancellationToken ct)
    {
        await using var startupLock = await StartupLock.AcquireAsync(db, ct);
        await ApplyMigrationsAsync(db, logger, ct);
    }

    private static async Task ApplyMigrationsAsync(LuffyDbContext db, ILogger logger, CancellationToken ct)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            await db.Database.MigrateAsync(ct);
        }

        if (db.Database.IsSqlite())
        {
            // WAL lets readers work while one writer commits; the mode is stored in the database file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
    }
}
