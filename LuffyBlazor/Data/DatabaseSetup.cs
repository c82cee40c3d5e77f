using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LuffyBlazor.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (default).</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Apply pending migrations at start-up; turn off where deployments migrate separately.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>Seed the demo catalogue when the database has none.</summary>
    public bool SeedCatalogue { get; set; } = true;
}

/// <summary>Something that puts required data in place at start-up; must be safe to run on every start.</summary>
public interface IDataSeeder
{
    Task SeedAsync(CancellationToken ct);
}

public static class DatabaseSetup
{
    public static void AddLuffyData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .Validate(o => o.Provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase),
                "Database:Provider must be 'Sqlite'.")
            .ValidateOnStart();

        var connectionString = ResolveSqliteConnectionString(
            builder.Configuration.GetConnectionString("Default"), builder.Environment.ContentRootPath);

        builder.Services.AddSingleton<AuditStampInterceptor>();
        builder.Services.AddSingleton<SqlitePragmaInterceptor>();
        builder.Services.AddSingleton<SqliteWriteGate>();
        builder.Services.AddPooledDbContextFactory<LuffyDbContext>((sp, options) =>
        {
            options.UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(typeof(LuffyDbContext).Assembly.FullName))
                .AddInterceptors(
                    sp.GetRequiredService<AuditStampInterceptor>(), sp.GetRequiredService<SqlitePragmaInterceptor>(), sp.GetRequiredService<SqliteWriteGate>());
        });
        // Endpoints, Identity and services take a scoped context; components use the factory (one per operation).
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<LuffyDbContext>>().CreateDbContext());
    }

    /// <summary>
    /// A relative <c>Data Source</c> is relative to the content root (<c>LuffyBlazor/</c>), not to wherever
    /// <c>dotnet run</c> was started, so the app always finds the same database.
    /// </summary>
    public static string ResolveSqliteConnectionString(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? "Data Source=luffy.db" : configured);
        var source = builder.DataSource;
        if (!string.IsNullOrEmpty(source) && source != ":memory:" && !source.StartsWith("file:", StringComparison.Ordinal)
            && !Path.IsPathRooted(source))
        {
            builder.DataSource = Path.GetFullPath(Path.Combine(contentRoot, source));
        }

        if (builder.DefaultTimeout == 30)
        {
            // Writers queue on SQLite's lock; give a busy burst time to drain instead of failing.
            builder.DefaultTimeout = 60;
        }

        return builder.ToString();
    }
}

/// <summary>
/// Per-connection SQLite settings: WAL is persistent in the file, <c>synchronous</c> and <c>busy_timeout</c> are not.
/// EF opens the (pooled) connection for every query, so they are applied once per physical connection, not per open.
/// </summary>
public sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    // NORMAL is durable across application crashes in WAL mode; only a power loss can drop the last commits.
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=60000;";

    private readonly ConditionalWeakTable<object, object> configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (FirstOpen(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        if (FirstOpen(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>True the first time this physical connection (the native handle behind the pooled one) is seen.</summary>
    private bool FirstOpen(DbConnection connection)
    {
        object key = connection is SqliteConnection { Handle: { } handle } ? handle : connection;
        return configured.TryAdd(key, key);
    }
}
