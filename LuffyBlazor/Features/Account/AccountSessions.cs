using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using LuffyBlazor.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Account;

/// <summary>Section <c>Security:Sessions</c>: how quickly a lock or a password change ends the sessions already open.</summary>
public sealed class SessionOptions
{
    public const string Section = "Security:Sessions";

    /// <summary>
    /// How long one instance trusts a user's security stamp and lock-out once read. The instance that locks a user or
    /// changes a password forgets its copy at once; other instances see the change within this time. Zero: a
    /// database read on every request.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Security:Sessions:StampCacheDuration must be between 00:00:00 and 00:01:00.")]
    public TimeSpan StampCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a live Blazor circuit (an open page) checks that its user's session is still current.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:30:00", ErrorMessage = "Security:Sessions:CircuitRevalidationInterval must be between 00:00:00.100 and 00:30:00.")]
    public TimeSpan CircuitRevalidationInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Whether a signed-in principal (a log-in cookie, an API token, a live circuit) is still a session of its user: the
/// user exists, is not locked, and still has the security stamp the session was issued with. Locking a user and
/// changing a password renew the stamp, so every session issued before ends on its next request. The stamp is read
/// from the database at most once per <see cref="SessionOptions.StampCacheDuration"/> per user and instance: one
/// primary-key read, shared by all of that user's requests.
/// </summary>
public sealed class AccountSessions(
    IDbContextFactory<LuffyDbContext> dbFactory, IMemoryCache cache, IOptions<SessionOptions> options,
    IOptions<IdentityOptions> identity, TimeProvider clock)
{
    private sealed record StoredStamp(string? Stamp, DateTimeOffset? LockoutEnd, DateTimeOffset ReadAt);

    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        var claims = identity.Value.ClaimsIdentity;
        var userId = principal.FindFirstValue(claims.UserIdClaimType);
        var stamp = principal.FindFirstValue(claims.SecurityStampClaimType);
        if (userId is null || string.IsNullOrEmpty(stamp))
        {
            return false; // a session without a stamp (a token issued before stamps were written into them) is not trusted
        }

        var now = clock.GetUtcNow();
        var stored = await StoredAsync(userId, now, ct);
        // LockoutEnd is compared here: SQLite cannot compare DateTimeOffset values in SQL.
        return stored?.Stamp == stamp && !(stored.LockoutEnd > now);
    }

    /// <summary>Drops this instance's copy of the user's stamp, so that a change made here counts from the next request.</summary>
    public void Forget(string userId) => cache.Remove(Key(userId));

    private async Task<StoredStamp?> StoredAsync(string userId, DateTimeOffset now, CancellationToken ct)
    {
        var lifetime = options.Value.StampCacheDuration;
        // The entry carries the time it was read by the app's clock, so that "how old" follows TimeProvider; the
        // cache's own (wall-clock) expiry, a minute later, only clears out entries nobody asks for any more.
        if (lifetime > TimeSpan.Zero && cache.TryGetValue(Key(userId), out StoredStamp? cached) && now - cached!.ReadAt < lifetime)
        {
            return cached;
        }

        var stored = await ReadAsync(userId, now, ct);
        if (stored is not null && lifetime > TimeSpan.Zero)
        {
            cache.Set(Key(userId), stored, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime + TimeSpan.FromMinutes(1), Size = 1 });
        }

        return stored;
    }

    /// <summary>
    /// The user's stamp and lock-out, read by a hand-written primary-key query rather than an EF query: every API
    /// request whose cached copy is missing or stale pays this read, and EF's query pipeline cost several times the
    /// read itself (bench/README, "Checkout's CPU, profiled"). The SQL is the same on SQLite and PostgreSQL.
    /// </summary>
    private async Task<StoredStamp?> ReadAsync(string userId, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.FirstRowAsync(StampSql, userId, reader => new StoredStamp(
            reader.IsDBNull(0) ? null : reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            now), ct);
    }

    private const string StampSql = "SELECT \"SecurityStamp\", \"LockoutEnd\" FROM \"AspNetUsers\" WHERE \"Id\" = @p0";

    private static string Key(string userId) => "session-stamp:" + userId;

    /// <summary>The log-in cookie's check on every request: a cookie whose session ended is refused and deleted.</summary>
    public static async Task ValidateCookieAsync(CookieValidatePrincipalContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<AccountSessions>();
        if (context.Principal is null || !await sessions.IsCurrentAsync(context.Principal, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        }
    }

    /// <summary>The API token's check: a token whose session ended does not authenticate (401).</summary>
    public static async Task ValidateTokenAsync(TokenValidatedContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<AccountSessions>();
        if (context.Principal is null || !await sessions.IsCurrentAsync(context.Principal, context.HttpContext.RequestAborted))
        {
            context.Fail("The session of this token has ended (locked account, changed password or renewed security stamp).");
        }
    }
}
