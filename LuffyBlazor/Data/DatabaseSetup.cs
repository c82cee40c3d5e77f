using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LuffyBlazor.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    /// <summary><c>Sqlite</c> (default, one instance) or <c>Postgres</c> (several instances).</summary>
    public string Provider { get; set; } = Sqlite;

    public bool IsPostgres => Provider.Equals(Postgres, StringComparison.OrdinalIgnoreCase);

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
        var configured = builder.Configuration.GetConnectionString("Default");
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .Validate(o => o.IsPostgres || o.Provider.Equals(DatabaseOptions.Sqlite, StringComparison.OrdinalIgnoreCase),
                "Database:Provider must be 'Sqlite' or 'Postgres'.")
            .Validate(o => !o.IsPostgres || !string.IsNullOrWhiteSpace(configured),
                "ConnectionStrings:Default is required when Database:Provider is 'Postgres' (e.g. Host=db;Database=luffy;Username=luffy;Password=...).")
            .ValidateOnStart();

        var services = builder.Services;
        services.AddSingleton<AuditStampInterceptor>();
        if (builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() is { IsPostgres: true })
        {
            services.AddPooledDbContextFactory<PostgresLuffyDbContext>((sp, options) =>
                options.UseNpgsql(configured).AddInterceptors(sp.GetRequiredService<AuditStampInterceptor>()));
            services.AddSingleton<IDbContextFactory<LuffyDbContext>, LuffyContextFactory<PostgresLuffyDbContext>>();
        }
        else
        {
            var connectionString = ResolveSqliteConnectionString(configured, builder.Environment.ContentRootPath);
            services.AddSingleton<SqliteCheckpointer>();
            services.AddSingleton<SqlitePragmaInterceptor>();
            services.AddPooledDbContextFactory<SqliteLuffyDbContext>((sp, options) => options.UseSqlite(connectionString).AddInterceptors(
                sp.GetRequiredService<AuditStampInterceptor>(), sp.GetRequiredService<SqlitePragmaInterceptor>()));
            services.AddSingleton<IDbContextFactory<LuffyDbContext>, LuffyContextFactory<SqliteLuffyDbContext>>();
        }

        // Endpoints, Identity and services take a scoped context; components use the factory (one per operation).
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<LuffyDbContext>>().CreateDbContext());
        services.AddSingleton<Features.Storage.FastDfs.IFastDfsFileIndex, EfFastDfsFileIndex>();

        // Cookies and antiforgery tokens one instance issues must be readable by the others: one key ring, in the database.
        services.AddDataProtection().PersistKeysToDbContext<LuffyDbContext>().SetApplicationName("LuffyBlazor");
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

/// <summary>Hands out the configured provider's (pooled) context as the <see cref="LuffyDbContext"/> the app works with.</summary>
public sealed class LuffyContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<LuffyDbContext>
    where TContext : LuffyDbContext
{
    public LuffyDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<LuffyDbContext> CreateDbContextAsync(CancellationToken ct = default) => await inner.CreateDbContextAsync(ct);
}

/// <summary>For <c>dotnet ef migrations add</c>: builds each provider's context without a database or a running app.</summary>
public sealed class SqliteDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<SqliteLuffyDbContext>
{
    public SqliteLuffyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteLuffyDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <inheritdoc cref="SqliteDesignTimeFactory"/>
public sealed class PostgresDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<PostgresLuffyDbContext>
{
    public PostgresLuffyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresLuffyDbContext>().UseNpgsql("Host=localhost;Database=luffy").Options);
}

/// <summary>
/// Per-connection SQLite settings: WAL is persistent in the file, <c>synchronous</c>, <c>busy_timeout</c> and
/// <c>wal_autocheckpoint</c> are not. EF opens the (pooled) connection for every query, so they are applied once per
/// physical connection, not per open; the first one also starts the <see cref="SqliteCheckpointer"/>.
/// </summary>
public sealed class SqlitePragmaInterceptor(SqliteCheckpointer checkpointer) : DbConnectionInterceptor
{
    // NORMAL is durable across application crashes in WAL mode; only a power loss can drop the last commits. No
    // checkpoint inside a commit: the SqliteCheckpointer does them beside the writers.
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=60000; PRAGMA wal_autocheckpoint=0;";

    private readonly ConditionalWeakTable<object, object> configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (FirstOpen(connection))
        {
            checkpointer.Start(connection.ConnectionString);
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        if (FirstOpen(connection))
        {
            checkpointer.Start(connection.ConnectionString);
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
