using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// Contexts on a test app's SQLite database that pass their commands through <paramref name="interceptor"/>: for tests
/// that count, cancel or fail the queries a service sends.
/// </summary>
public sealed class InterceptedContexts(string databasePath, IInterceptor interceptor) : IDbContextFactory<LuffyDbContext>
{
    public LuffyDbContext CreateDbContext() => new SqliteLuffyDbContext(
        new DbContextOptionsBuilder<SqliteLuffyDbContext>().UseSqlite($"Data Source={databasePath}").AddInterceptors(interceptor).Options);
}
