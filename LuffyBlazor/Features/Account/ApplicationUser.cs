using Microsoft.AspNetCore.Identity;

namespace LuffyBlazor.Features.Account;

public sealed class ApplicationUser : IdentityUser
{
    public DateTime CreatedAt { get; set; }
}
