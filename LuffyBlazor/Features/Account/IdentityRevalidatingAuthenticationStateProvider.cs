using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Account;

/// <summary>
/// A live circuit (an open interactive page) keeps the user it started with; this checks every
/// <see cref="SessionOptions.CircuitRevalidationInterval"/> (10 s by default) that the session is still current
/// (<see cref="AccountSessions"/>), so a locked user, or one whose password was changed elsewhere, loses an open page
/// (the back office included) within that time. Each check is one cached stamp lookup, so the interval can be short.
/// While the app shuts down the check is skipped: its services are being disposed, and signing every open page out
/// on the way down would only log errors for circuits that are ending anyway.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory, AccountSessions sessions, IOptions<SessionOptions> options, IHostApplicationLifetime lifetime)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.CircuitRevalidationInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        IsStillCurrentAsync(authenticationState, cancellationToken);

    internal async Task<bool> IsStillCurrentAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return true;
        }

        try
        {
            return await sessions.IsCurrentAsync(authenticationState.User, cancellationToken);
        }
        catch (ObjectDisposedException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return true;
        }
    }
}
