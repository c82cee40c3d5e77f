using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace LuffyBlazor.Features.Orders;

public static class CurrentUser
{
    /// <summary>The signed-in user's id, or null for a visitor.</summary>
    public static async Task<string?> IdAsync(this Task<AuthenticationState>? state) =>
        state is null ? null : (await state).User.FindFirstValue(ClaimTypes.NameIdentifier);
}
