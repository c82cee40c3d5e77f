using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace LuffyBlazor.Features.Account;

internal static class IdentityEndpoints
{
    /// <summary>Endpoints the static Identity pages post to.</summary>
    public static IEndpointConventionBuilder MapAdditionalIdentityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var accountGroup = endpoints.MapGroup("/Account").ExcludeFromDescription();

        accountGroup.MapPost("/Logout", async (
            [FromServices] SignInManager<ApplicationUser> signInManager,
            [FromForm] string? returnUrl) =>
        {
            await signInManager.SignOutAsync();
            // Local paths only: never an open redirect.
            var target = "/" + (returnUrl ?? "").TrimStart('/');
            return TypedResults.LocalRedirect(IsLocalPath(target) ? target : "/");
        });

        return accountGroup;
    }

    /// <summary>"/x" but not "//host" or "/\host", which browsers treat as another site.</summary>
    internal static bool IsLocalPath(string url) =>
        url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal)
        && !url.Contains('\\') && !url.Any(char.IsControl);
}
