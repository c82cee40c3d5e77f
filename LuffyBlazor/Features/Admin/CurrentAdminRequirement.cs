using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace LuffyBlazor.Features.Admin;

/// <summary>
/// The admin API policy's last word: the caller is an admin in the database now, not only in their token. A bearer
/// token keeps the roles it was issued with for up to a day, so a demoted or locked admin must be stopped here, on
/// every call of every endpoint behind <see cref="Common.Policies.AdminApi"/> (the admin API, media uploads).
/// </summary>
public sealed class CurrentAdminRequirement : IAuthorizationRequirement;

/// <summary>Meets <see cref="CurrentAdminRequirement"/> through <see cref="AdminActors.FindAsync"/>: role and lock-out, read now.</summary>
public sealed class CurrentAdminHandler(AdminActors admins) : AuthorizationHandler<CurrentAdminRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, CurrentAdminRequirement requirement)
    {
        var ct = context.Resource is HttpContext http ? http.RequestAborted : CancellationToken.None;
        if (await admins.FindAsync(context.User.FindFirstValue(ClaimTypes.NameIdentifier), ct) is not null)
        {
            context.Succeed(requirement);
        }
    }
}
