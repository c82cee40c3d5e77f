using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Account;

/// <summary>
/// A live circuit (an open interactive page) keeps the user it started with; this checks every
/// <see cref="SessionOptions.CircuitRevalidationInterval"/> (10 s by default) that the session is still current
/// (<see cref="AccountSessions"/>), so a locked user, or one whose password was changed elsewhere, loses an open page
/// (the back office included) within that time. Each check is one cached stamp lookup, so the interval can be short.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory, AccountSessions sessions, IOptions<SessionOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.CircuitRevalidationInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        sessions.IsCurrentAsync(authenticationState.User, cancellationToken);
}
