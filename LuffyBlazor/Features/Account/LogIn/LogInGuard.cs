using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Account.LogIn;

public enum LogInResult
{
    Succeeded,
    /// <summary>Unknown user or wrong password: the two are never told apart.</summary>
    WrongCredentials,
    /// <summary>Too many failures on this account from this address.</summary>
    LockedOut,
    /// <summary>The account failed too often from everywhere together: tries from unknown addresses must wait.</summary>
    SlowedDown,
    /// <summary>An administrator locked the account (told only to someone who knows the password).</summary>
    LockedByAdmin,
}

public sealed record LogInOutcome(LogInResult Result, ApplicationUser? User = null, TimeSpan RetryAfter = default)
{
    public bool Succeeded => Result == LogInResult.Succeeded;

    /// <summary>What to tell the person logging in when it did not work.</summary>
    public string Message => Result switch
    {
        LogInResult.LockedOut => $"登录失败次数过多，该账号已在你当前的网络上暂时锁定，请 {Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalMinutes))} 分钟后再试",
        LogInResult.SlowedDown => $"该账号近期登录失败次数过多，请 {Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds))} 秒后再试",
        LogInResult.LockedByAdmin => "该账号已被管理员锁定，无法登录。如有疑问，请联系管理员",
        _ => "用户名或密码错误",
    };
}

/// <summary>
/// Checks a log-in (the page and the API alike) against the <see cref="LogInThrottles"/>, then the password, then
/// an administrator's lock. Failures lock the account for the address they came from only (so five anonymous
/// requests cannot lock anyone else out), and slow the whole account down once it fails from many addresses, except
/// for addresses it recently logged in from. An unknown name runs the password hasher once too, like a wrong
/// password, and is counted and locked in the same way: neither the answer nor its time says whether a name exists.
/// </summary>
public sealed class LogInGuard(
    UserManager<ApplicationUser> users, LogInThrottles throttles, UnknownUserPassword unknownUser, IOptions<LogInLockoutOptions> options,
    TimeProvider clock, ILogger<LogInGuard> logger)
{
    /// <summary>An administrator's lock ends at <see cref="DateTimeOffset.MaxValue"/> (as stored: the year 9999 at least).</summary>
    public static bool IsAdminLock(DateTimeOffset? lockoutEnd) => lockoutEnd?.Year >= 9999;

    public async Task<LogInOutcome> CheckAsync(string login, string password, string address, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var user = await users.FindByNameOrEmailAsync(login);
        var account = user is not null ? LogInThrottle.AccountOf(user.Id) : LogInThrottle.AccountOfUnknown(Truncate(users.NormalizeName(login.Trim())));
        var (here, anywhere) = await throttles.ReadAsync(account, address, ct);
        if (Until(here?.BlockedUntil, now) is { } locked)
        {
            logger.LogWarning("Log-in of {UserName} from {Address} refused: locked out after failed log-ins", user?.UserName ?? "(unknown name)", address);
            return new(LogInResult.LockedOut, RetryAfter: locked);
        }

        var known = here?.LastSucceededAt > (now - options.Value.KnownAddressLifetime).ToUnixTimeMilliseconds();
        if (!known && Until(anywhere?.BlockedUntil, now) is { } slowed)
        {
            logger.LogWarning("Log-in of {UserName} from {Address} refused: the account is backing off after failures from many addresses", user?.UserName ?? "(unknown name)", address);
            return new(LogInResult.SlowedDown, RetryAfter: slowed);
        }

        var passwordOk = user is null ? unknownUser.Check(users.PasswordHasher, password) : await users.CheckPasswordAsync(user, password);
        if (!passwordOk)
        {
            return await throttles.CountFailureAsync(account, address, now, ct) is { } lockedUntil
                ? new(LogInResult.LockedOut, RetryAfter: lockedUntil - now)
                : new(LogInResult.WrongCredentials);
        }

        if (user!.LockoutEnd > now)
        {
            logger.LogWarning("Log-in of {UserName} refused: the account is locked", user.UserName);
            // A lock that is not an administrator's was set by Identity's own lock-out before this one replaced it.
            return IsAdminLock(user.LockoutEnd) ? new(LogInResult.LockedByAdmin) : new(LogInResult.LockedOut, RetryAfter: user.LockoutEnd.Value - now);
        }

        await throttles.RecordSuccessAsync(account, address, now, ct);
        return new(LogInResult.Succeeded, user);
    }

    private static TimeSpan? Until(long? blockedUntil, DateTimeOffset now) =>
        blockedUntil is { } until && until > now.ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(until) - now : null;

    private static string Truncate(string name) => name.Length <= LogInThrottles.MaxAccountLength - 2 ? name : name[..(LogInThrottles.MaxAccountLength - 2)];
}

/// <summary>
/// The password check of a name that has no account: the hasher verifies against a hash of a random secret, made
/// once with the same hasher and settings as real ones, so it costs what a wrong password costs and never succeeds.
/// </summary>
public sealed class UnknownUserPassword
{
    private string? hash;

    public bool Check(IPasswordHasher<ApplicationUser> hasher, string password)
    {
        var user = new ApplicationUser();
        hash ??= hasher.HashPassword(user, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        hasher.VerifyHashedPassword(user, hash, password);
        return false;
    }
}
