using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Claims;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Account;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Bench;

/// <summary>
/// <c>sessions [--users 10000] [--checks 50000]</c>: what the session check of every signed-in request costs
/// (<see cref="AccountSessions.IsCurrentAsync"/>: the user's security stamp and lock-out), read from SQLite every time
/// (<c>Security:Sessions:StampCacheDuration=0</c>) and from the per-instance cache (the default, 5 s). One thread,
/// checks of random users among <c>--users</c>; a plain stopwatch over the whole run.
/// </summary>
public static class SessionsReport
{
    public static async Task RunAsync(string[] args)
    {
        var users = int.Parse(OrdersGridReport.Option(args, "--users") ?? "10000", CultureInfo.InvariantCulture);
        var checks = int.Parse(OrdersGridReport.Option(args, "--checks") ?? "50000", CultureInfo.InvariantCulture);
        var path = Path.Combine(Path.GetTempPath(), $"luffy-bench-{Guid.NewGuid():N}.db");
        try
        {
            await using var services = OrdersGridReport.Services(path);
            var principals = await PrepareAsync(services, users);
            var factory = services.GetRequiredService<IDbContextFactory<LuffyDbContext>>();

            Console.WriteLine();
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; {users:N0} users, {checks:N0} checks of random ones, one thread, SQLite");
            Console.WriteLine();
            Console.WriteLine("| session check per request | per check | checks/s |");
            Console.WriteLine("|---|---:|---:|");
            await MeasureAsync("database read every time (StampCacheDuration 0)", factory, TimeSpan.Zero, principals, checks);
            await MeasureAsync("cached for 5 s (the default; every user already read)", factory, TimeSpan.FromSeconds(5), principals, checks);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    private static async Task<ClaimsPrincipal[]> PrepareAsync(IServiceProvider services, int count)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        await DatabaseInitializer.MigrateAsync(db, NullLogger.Instance, CancellationToken.None);
        var users = Enumerable.Range(0, count).Select(i => new ApplicationUser
        {
            UserName = $"bench{i:00000}", NormalizedUserName = $"BENCH{i:00000}", SecurityStamp = Guid.NewGuid().ToString("N"),
            ConcurrencyStamp = Guid.NewGuid().ToString(), LockoutEnabled = true, CreatedAt = DateTime.UtcNow,
        }).ToList();
        db.Users.AddRange(users);
        await db.SaveChangesAsync();
        var claims = new IdentityOptions().ClaimsIdentity;
        return users.Select(u => new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(claims.UserIdClaimType, u.Id), new Claim(claims.SecurityStampClaimType, u.SecurityStamp!)], "bench"))).ToArray();
    }

    private static async Task MeasureAsync(string label, IDbContextFactory<LuffyDbContext> factory, TimeSpan cache, ClaimsPrincipal[] principals, int checks)
    {
        using var memory = new MemoryCache(new MemoryCacheOptions());
        var sessions = new AccountSessions(factory, memory, Options.Create(new SessionOptions { StampCacheDuration = cache }),
            Options.Create(new IdentityOptions()), TimeProvider.System);
        // Warm-up, and with a cache every user read once: the steady state of users who keep clicking.
        foreach (var principal in principals)
        {
            Check(await sessions.IsCurrentAsync(principal));
        }

        var random = new Random(42);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < checks; i++)
        {
            Check(await sessions.IsCurrentAsync(principals[random.Next(principals.Length)]));
        }

        var perCheck = watch.Elapsed.TotalMicroseconds / checks;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {perCheck:0.0} µs | {1e6 / perCheck:N0} |"));
    }

    private static void Check(bool current)
    {
        if (!current)
        {
            throw new InvalidOperationException("a current session was refused");
        }
    }
}
