using LuffyBlazor.Common;
using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Account.LogIn;

/// <summary>What is known of an account's recent log-ins: from this address, and from everywhere.</summary>
public sealed record ThrottleState(LogInThrottle? Here, LogInThrottle? Anywhere);

/// <summary>
/// The <see cref="LogInThrottle"/> rows in the database, shared by every instance. A failure is counted by one
/// atomic upsert (<c>INSERT … ON CONFLICT DO UPDATE</c>, the same text on SQLite and PostgreSQL), so failures sent to
/// several instances at once are all counted; the lock that follows is set by a conditional update.
/// </summary>
public sealed class LogInThrottles(IDbContextFactory<LuffyDbContext> dbFactory, IOptions<LogInLockoutOptions> options)
{
    /// <summary>"n:" and the longest user name or e-mail Identity stores (256).</summary>
    public const int MaxAccountLength = 258;

    public async Task<ThrottleState> ReadAsync(string account, string address, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.LogInThrottles.AsNoTracking()
            .Where(t => t.Account == account && (t.Address == address || t.Address == LogInThrottle.Anywhere)).ToListAsync(ct);
        return new(rows.FirstOrDefault(r => r.Address == address), rows.FirstOrDefault(r => r.Address == LogInThrottle.Anywhere));
    }

    /// <summary>
    /// Counts a failed log-in from <paramref name="address"/> and from anywhere. Returns when the address is locked
    /// out of the account until, when this failure reached <see cref="LogInLockoutOptions.MaxFailures"/>.
    /// </summary>
    public async Task<DateTimeOffset?> CountFailureAsync(string account, string address, DateTimeOffset now, CancellationToken ct = default)
    {
        var lockout = options.Value;
        var at = now.ToUnixTimeMilliseconds();
        var forgetBefore = (now - lockout.FailureWindow).ToUnixTimeMilliseconds();
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        DateTimeOffset? lockedUntil = null;
        if (await IncrementAsync(db, account, address, at, forgetBefore, ct) >= lockout.MaxFailures)
        {
            lockedUntil = now + lockout.Duration;
            var until = lockedUntil.Value.ToUnixTimeMilliseconds();
            // The count starts again after a lock; of two failures racing past the limit, the second finds it reset.
            await db.LogInThrottles.Where(t => t.Account == account && t.Address == address && t.Failures >= lockout.MaxFailures)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Failures, 0).SetProperty(t => t.BlockedUntil, until), ct);
        }

        var delay = lockout.AccountDelay(await IncrementAsync(db, account, LogInThrottle.Anywhere, at, forgetBefore, ct));
        if (delay > TimeSpan.Zero)
        {
            var until = (now + delay).ToUnixTimeMilliseconds();
            await db.LogInThrottles.Where(t => t.Account == account && t.Address == LogInThrottle.Anywhere && t.BlockedUntil < until)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.BlockedUntil, until), ct);
        }

        return lockedUntil;
    }

    /// <summary>A successful log-in: the address's failures are forgotten and it becomes known to the account.</summary>
    public async Task RecordSuccessAsync(string account, string address, DateTimeOffset now, CancellationToken ct = default)
    {
        var at = now.ToUnixTimeMilliseconds();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "LogInThrottles" ("Account", "Address", "Failures", "LastFailureAt", "BlockedUntil", "LastSucceededAt")
            VALUES ({account}, {address}, 0, 0, 0, {at})
            ON CONFLICT ("Account", "Address") DO UPDATE SET "Failures" = 0, "BlockedUntil" = 0, "LastSucceededAt" = {at}
            """, ct);
    }

    /// <summary>Deletes the rows that no longer matter: no recent failure, no lock, no recent success.</summary>
    public async Task<int> DeleteStaleAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var lockout = options.Value;
        var (at, failedBefore, succeededBefore) = (now.ToUnixTimeMilliseconds(),
            (now - lockout.FailureWindow).ToUnixTimeMilliseconds(), (now - lockout.KnownAddressLifetime).ToUnixTimeMilliseconds());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.LogInThrottles
            .Where(t => t.LastFailureAt <= failedBefore && t.BlockedUntil <= at && t.LastSucceededAt <= succeededBefore)
            .ExecuteDeleteAsync(ct);
    }

    /// <summary>One more failure (the first after a quiet <see cref="LogInLockoutOptions.FailureWindow"/> counts as one); returns the count.</summary>
    private static async Task<int> IncrementAsync(LuffyDbContext db, string account, string address, long at, long forgetBefore, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "LogInThrottles" ("Account", "Address", "Failures", "LastFailureAt", "BlockedUntil", "LastSucceededAt")
            VALUES ({account}, {address}, 1, {at}, 0, 0)
            ON CONFLICT ("Account", "Address") DO UPDATE SET
                "Failures" = CASE WHEN "LogInThrottles"."LastFailureAt" <= {forgetBefore} THEN 1 ELSE "LogInThrottles"."Failures" + 1 END,
                "LastFailureAt" = {at}
            """, ct);
        return await db.LogInThrottles.Where(t => t.Account == account && t.Address == address).Select(t => t.Failures).SingleAsync(ct);
    }
}

/// <summary>Clears out old <see cref="LogInThrottle"/> rows every quarter of an hour (on every instance: deleting twice is harmless).</summary>
public sealed class LogInThrottleCleanup(LogInThrottles throttles, TimeProvider clock, ILogger<LogInThrottleCleanup> logger)
    : PeriodicJob(TimeSpan.FromMinutes(15), clock, logger)
{
    protected override string What => "Clearing out old log-in throttle rows";

    protected override Task RunOnceAsync(CancellationToken ct) => throttles.DeleteStaleAsync(Clock.GetUtcNow(), ct);
}
