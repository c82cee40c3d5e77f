using Microsoft.AspNetCore.Identity;

namespace LuffyBlazor.Features.Account;

public static class UserLookup
{
    /// <summary>Finds a user by user name or, failing that, by e-mail (user names never contain '@').</summary>
    public static async Task<ApplicationUser?> FindByNameOrEmailAsync(this UserManager<ApplicationUser> users, string login)
    {
        login = login.Trim();
        if (login.Length == 0)
        {
            return null;
        }

        return await users.FindByNameAsync(login)
            ?? (login.Contains('@') ? await users.FindByEmailAsync(login) : null);
    }
}

/// <summary>E-mail is optional, but when given it must be well formed and belong to one account only.</summary>
public sealed class UniqueEmailValidator : IUserValidator<ApplicationUser>
{
    public async Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        var email = await manager.GetEmailAsync(user);
        if (string.IsNullOrEmpty(email))
        {
            return IdentityResult.Success;
        }

        if (!new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email))
        {
            return IdentityResult.Failed(manager.ErrorDescriber.InvalidEmail(email));
        }

        var owner = await manager.FindByEmailAsync(email);
        if (owner is not null && owner.Id != await manager.GetUserIdAsync(user))
        {
            return IdentityResult.Failed(manager.ErrorDescriber.DuplicateEmail(email));
        }

        return IdentityResult.Success;
    }
}
