using LuffyBlazor.TestSupport;

namespace LuffyBlazor.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

/// <summary>One real PostgreSQL server for the PostgreSQL tests (see <see cref="ThrowawayPostgres"/>).</summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private ThrowawayPostgres server = null!;

    public async Task InitializeAsync() => server = await ThrowawayPostgres.StartAsync();

    public string ConnectionString(string database) => server.ConnectionString(database);

    /// <summary>The app on a fresh database of this server (its own name, so tests never share rows).</summary>
    public LuffyAppFactory NewApp() => new(new Dictionary<string, string?>
    {
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Default"] = ConnectionString("luffy_" + Guid.NewGuid().ToString("N")[..12]),
    });

    public async Task DisposeAsync() => await server.DisposeAsync();
}
