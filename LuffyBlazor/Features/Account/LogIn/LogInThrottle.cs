using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LuffyBlazor.Features.Account.LogIn;

/// <summary>
/// Section <c>Security:Lockout</c>. Failed log-ins lock an account for one client address only, so nobody can lock
/// another person out from elsewhere; an account attacked from many addresses is slowed down as a whole instead.
/// </summary>
public sealed class LogInLockoutOptions
{
    public const string Section = "Security:Lockout";

    /// <summary>Failed log-ins on one account from one address before that address is locked out of it.</summary>
    [Range(2, 100, ErrorMessage = "Security:Lockout:MaxFailures must be between 2 and 100.")]
    public int MaxFailures { get; set; } = 5;

    /// <summary>How long an address stays locked out of the account.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Security:Lockout:Duration must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Failures are forgotten after this long without another one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Security:Lockout:FailureWindow must be between 00:00:01 and 7.00:00:00.")]
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failed log-ins on one account from all addresses together before every further try must wait (the back-off).</summary>
    [Range(1, 10_000, ErrorMessage = "Security:Lockout:AccountFreeFailures must be between 1 and 10000.")]
    public int AccountFreeFailures { get; set; } = 10;

    /// <summary>The longest the back-off makes a try wait: it doubles from one second with each failure beyond the free ones.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Security:Lockout:AccountMaxDelay must be between 00:00:01 and 01:00:00.")]
    public TimeSpan AccountMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>An address the account logged in from successfully is spared the back-off for this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00", ErrorMessage = "Security:Lockout:KnownAddressLifetime must be between 00:00:00 and 365.00:00:00.")]
    public TimeSpan KnownAddressLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The back-off after <paramref name="failures"/> failures on the account (zero while they are within the free ones).</summary>
    public TimeSpan AccountDelay(int failures)
    {
        var beyond = failures - AccountFreeFailures;
        return beyond <= 0 ? TimeSpan.Zero
            : beyond > 30 ? AccountMaxDelay
            : TimeSpan.FromSeconds(Math.Min(Math.Pow(2, beyond - 1), AccountMaxDelay.TotalSeconds));
    }
}

/// <summary>
/// Log-in attempts on one account from one client address, or from everywhere (<see cref="Anywhere"/>). The account
/// is <c>u:</c> and a user id, or <c>n:</c> and the name typed when no such user exists (unknown names are counted
/// and locked like real ones, so the answers never tell them apart). Times are Unix milliseconds: they compare the
/// same way in SQL on SQLite and PostgreSQL, which the atomic counting in <see cref="LogInThrottles"/> relies on.
/// </summary>
public sealed class LogInThrottle
{
    public const string Anywhere = "";

    /// <summary>The <see cref="Account"/> of a user who exists.</summary>
    public static string AccountOf(string userId) => "u:" + userId;

    /// <summary>The <see cref="Account"/> of a name nobody has (normalized, as Identity compares names).</summary>
    public static string AccountOfUnknown(string normalizedName) => "n:" + normalizedName;

    public required string Account { get; set; }
    public required string Address { get; set; }

    /// <summary>Failures since the last success, the last lock or the last quiet <see cref="LogInLockoutOptions.FailureWindow"/>.</summary>
    public int Failures { get; set; }

    public long LastFailureAt { get; set; }

    /// <summary>No password is checked for this account and address (or, for <see cref="Anywhere"/>, from unknown addresses) until then.</summary>
    public long BlockedUntil { get; set; }

    /// <summary>The last successful log-in from this address: it makes the address known to the account.</summary>
    public long LastSucceededAt { get; set; }
}

internal sealed class LogInThrottleConfiguration : IEntityTypeConfiguration<LogInThrottle>
{
    public void Configure(EntityTypeBuilder<LogInThrottle> b)
    {
        b.HasKey(x => new { x.Account, x.Address });
        b.Property(x => x.Account).HasMaxLength(LogInThrottles.MaxAccountLength);
        b.Property(x => x.Address).HasMaxLength(64);
    }
}
