using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Account.LogIn;
using LuffyBlazor.Features.Admin;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;

namespace LuffyBlazor.Features.Account;

public static class AccountSetup
{
    public static void AddAccounts(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddMemoryCache();
        services.AddSingleton<AccountSessions>();
        services.AddOptions<LogInLockoutOptions>().BindConfiguration(LogInLockoutOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LogInThrottles>();
        services.AddSingleton<UnknownUserPassword>();
        services.AddScoped<LogInGuard>();
        services.AddHostedService<LogInThrottleCleanup>();

        var auth = services.AddAuthentication(options =>
        {
            options.DefaultScheme = IdentityConstants.ApplicationScheme;
            options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
        });
        auth.AddIdentityCookies();
        builder.AddJwt(auth);

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                // No mail server: accounts work without confirmation, and nothing pretends to send mail.
                options.SignIn.RequireConfirmedAccount = false;
                options.SignIn.RequireConfirmedEmail = false;
                options.User.RequireUniqueEmail = false; // e-mail is optional; UniqueEmailValidator checks it when given
                // No '@' in user names, so "user name or e-mail" at log-in is never ambiguous.
                options.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._";
                options.Password.RequiredLength = 8;
                options.Password.RequireDigit = true;
                options.Password.RequireLowercase = true;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 4;
                // Identity's lock-out holds only an administrator's lock; failed log-ins are LogInGuard's (per address).
                options.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<LuffyDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddErrorDescriber<ChineseIdentityErrorDescriber>()
            .AddUserValidator<UniqueEmailValidator>();

        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/Account/Login";
            options.LogoutPath = "/Account/Logout";
            options.AccessDeniedPath = "/Account/AccessDenied";
            options.Cookie.Name = "luffy.auth";
            options.Cookie.SameSite = SameSiteMode.Lax;
            // Every request, not Identity's every 30 minutes: a lock or a password change ends the session at once.
            options.Events.OnValidatePrincipal = AccountSessions.ValidateCookieAsync;
            options.Events.OnRedirectToLogin = context =>
            {
                if (Api.IsApiRequest(context.HttpContext))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }
                else
                {
                    context.Response.Redirect(context.RedirectUri);
                }

                return Task.CompletedTask;
            };
            // A signed-in user who lacks the role gets a real 403 (the status page explains it), not a redirect.
            options.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });

        string[] apiSchemes = [IdentityConstants.ApplicationScheme, JwtBearerDefaults.AuthenticationScheme];
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.ApiUser, policy => policy.AddAuthenticationSchemes(apiSchemes).RequireAuthenticatedUser())
            .AddPolicy(Policies.AdminApi, policy => policy.AddAuthenticationSchemes(apiSchemes).RequireRole(Roles.Admin)
                .AddRequirements(new CurrentAdminRequirement()))
            .AddPolicy(Policies.Admin, policy => policy.RequireRole(Roles.Admin));

        services.AddOptions<AdminAccountOptions>().BindConfiguration(AdminAccountOptions.Section)
            .Validate(o => string.IsNullOrEmpty(o.Email) == string.IsNullOrEmpty(o.Password),
                "Admin:Email and Admin:Password must be set together (or both left empty).")
            .ValidateOnStart();
        services.AddScoped<IDataSeeder, IdentitySeeder>();
    }

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        app.MapAdditionalIdentityEndpoints();
        app.MapUserApi();
        return app;
    }
}
