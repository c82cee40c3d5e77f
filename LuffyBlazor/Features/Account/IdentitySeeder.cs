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
/// </summary>
public sealed class IdentitySeeder(
    RoleManager<IdentityRole> roles, UserManager<ApplicationUser> users, IOptions<AdminAccountOptions> options,
    TimeProvider clock, ILogger<IdentitySeeder> logger) : IDataSeeder
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

        var user = await users.FindByEmailAsync(admin.Email) ?? await users.FindByNameAsync(admin.UserName);
        if (user is null)
        {
            user = new ApplicationUser
            {
                UserName = admin.UserName,
                Email = admin.Email,
                EmailConfirmed = true,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            Throw(await users.CreateAsync(user, admin.Password), "create the admin account");
            logger.LogInformation("Created the admin account {UserName}", admin.UserName);
        }

        if (!await users.IsInRoleAsync(user, Roles.Admin))
        {
            Throw(await users.AddToRoleAsync(user, Roles.Admin), "grant the Admin role");
        }
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
