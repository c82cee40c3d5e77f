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

    public async Task DisposeAsync() => await server.DisposeAsync();
}
