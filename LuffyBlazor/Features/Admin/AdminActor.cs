using System.Security.Claims;
using LuffyBlazor.Common;
using LuffyBlazor.Data;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Admin;

/// <summary>The admin doing something: who the audit log and an order's history name.</summary>
public sealed record AdminActor(string UserId, string UserName)
{
    /// <summary>"admin:wang": the actor written into an order's status history.</summary>
    public string Actor => $"admin:{UserName}";
}

/// <summary>What came of an admin's action, as the snackbar shows it.</summary>
public sealed record AdminActionOutcome(bool Succeeded, string Message);

/// <summary>
/// The signed-in admin, checked against the database at the moment of an action. A circuit re-checks its session only
/// every few seconds (<c>Security:Sessions:CircuitRevalidationInterval</c>), so an admin whose role was removed
/// meanwhile must not be able to refund from a page left open in between: the action itself asks the database.
/// </summary>
public sealed class AdminActors(
    AuthenticationStateProvider authentication, IDbContextFactory<LuffyDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The acting admin, or null when the user is not (or no longer) an admin, or is locked out.</summary>
    public async Task<AdminActor?> CurrentAsync(CancellationToken ct = default) =>
        await FindAsync((await authentication.GetAuthenticationStateAsync()).User.FindFirstValue(ClaimTypes.NameIdentifier), ct);

    /// <summary>The user as an admin, or null when they are not one now, or are locked out.</summary>
    public async Task<AdminActor?> FindAsync(string? userId, CancellationToken ct = default)
    {
        if (userId is null)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await FindAsync(db, userId, clock.GetUtcNow(), ct);
    }

    /// <summary>
    /// The same question inside <paramref name="db"/>'s transaction, for a change that must not go ahead unless its
    /// admin is still one when it is made (<see cref="Users.UserAdmin"/>).
    /// </summary>
    public static async Task<AdminActor?> FindAsync(LuffyDbContext db, string userId, DateTimeOffset now, CancellationToken ct = default)
    {
        var admin = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId && db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Admin)))
            .Select(u => new { u.Id, u.UserName, u.LockoutEnd })
            .FirstOrDefaultAsync(ct);
        // LockoutEnd is compared here: SQLite cannot compare DateTimeOffset values in SQL.
        return admin is null || admin.LockoutEnd > now ? null : new AdminActor(admin.Id, admin.UserName!);
    }
}
