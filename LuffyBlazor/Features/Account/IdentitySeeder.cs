using LuffyBlazor.Common;
using LuffyBlazor.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Account;

public sealed class AdminAccountOptions
{
    public const string Section = "Admin";

    public string UserName { get; set; } = "admin";
    public string? Email { get; set; }
    public string? Password { get; set; }
}

/// <summary>
/// Makes sure the <c>Admin</c> role exists and, when <c>Admin:Email</c> and <c>Admin:Password</c> are set, that
/// an admin account exists. The password is set only when the account is created, never overwritten later.
/// An existing account that is not already an admin is never promoted: whoever registered that name or e-mail
/// first knows its password, so the seeder warns instead.
/// </summary>
public sealed class IdentitySeeder(
    RoleManager<IdentityRole> roles, UserManager<ApplicationUser> users, LuffyDbContext db,
    IOptions<AdminAccountOptions> options, TimeProvider clock, ILogger<IdentitySeeder> logger) : IDataSeeder
{
    public async Task SeedAsync(CancellationToken ct)
    {
        if (!await roles.RoleExistsAsync(Roles.Admin))
        {
            Throw(await roles.CreateAsync(new IdentityRole(Roles.Admin)), "create the Admin role");
        }

        var admin = options.Value;
        if (string.IsNullOrEmpty(admin.Email) || string.IsNullOrEmpty(admin.Password))
        {
            return;
        }

        ApplicationUser?[] existing = [await users.FindByEmailAsync(admin.Email), await users.FindByNameAsync(admin.UserName)];
        var taken = existing.OfType<ApplicationUser>().DistinctBy(u => u.Id).ToList();
        foreach (var user in taken)
        {
            if (await users.IsInRoleAsync(user, Roles.Admin))
            {
                return;
            }
        }

        if (taken.Count > 0)
        {
            logger.LogWarning(
                "Admin account not seeded: an ordinary account ({UserName}) already holds the name or e-mail of Admin:UserName/Admin:Email. " +
                "It was not made an admin, since whoever registered it knows its password. Set Admin:UserName and Admin:Email to an unused name and e-mail.",
                string.Join(", ", taken.Select(u => u.UserName)));
            return;
        }

        await CreateAdminAsync(admin, ct);
    }

    /// <summary>
    /// Creates the account and grants the role in one transaction: an account left without the role by a crash
    /// in between would look like someone else's on the next start, and never be promoted.
    /// </summary>
    private async Task CreateAdminAsync(AdminAccountOptions admin, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var user = new ApplicationUser
        {
            UserName = admin.UserName,
            Email = admin.Email,
            EmailConfirmed = true,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        Throw(await users.CreateAsync(user, admin.Password!), "create the admin account");
        Throw(await users.AddToRoleAsync(user, Roles.Admin), "grant the Admin role");
        await transaction.CommitAsync(ct);
        logger.LogInformation("Created the admin account {UserName}", admin.UserName);
    }

    private static void Throw(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"Could not {what} (check the Admin:* settings): {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
