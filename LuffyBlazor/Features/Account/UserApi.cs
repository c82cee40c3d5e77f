using System.Globalization;
using System.Security.Claims;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Account.LogIn;
using Microsoft.AspNetCore.Identity;

namespace LuffyBlazor.Features.Account;

/// <summary><c>/api/v1/user/</c>: register and log in for the original Luffy clients (JWT).</summary>
public static class UserApi
{
    public sealed record RegisterRequest(string? Username, string? Password, string? Email);

    public sealed record RegisterResult(string Username);

    public sealed record LoginRequest(string? Username, string? Password);

    public sealed record LoginResult(string Token, string Username);

    public sealed record MeResult(string Username, string? Email, IReadOnlyList<string> Roles);

    public static IEndpointRouteBuilder MapUserApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/user").WithTags("User");
        group.MapPost("/register/", RegisterAsync).WithName("Register").RequireRateLimiting(AuthRateLimiting.Policy);
        group.MapPost("/login/", LoginAsync).WithName("Login").RequireRateLimiting(AuthRateLimiting.Policy);
        group.MapGet("/me/", MeAsync).WithName("Me").RequireAuthorization(Policies.ApiUser);
        return app;
    }

    private static async Task<IResult> RegisterAsync(
        RegisterRequest request, UserManager<ApplicationUser> users, TimeProvider clock, ILoggerFactory loggers)
    {
        if (string.IsNullOrWhiteSpace(request.Username) || string.IsNullOrEmpty(request.Password))
        {
            return Api.BadRequest("用户名和密码不能为空");
        }

        var user = new ApplicationUser
        {
            UserName = request.Username.Trim(),
            Email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim(),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        var result = await users.CreateAsync(user, request.Password);
        if (!result.Succeeded)
        {
            return Api.BadRequest(string.Join("；", result.Errors.Select(e => e.Description)));
        }

        loggers.CreateLogger(typeof(UserApi)).LogInformation("User {UserName} registered through the API", user.UserName);
        return Api.Ok(new RegisterResult(user.UserName), "注册成功");
    }

    private static async Task<IResult> LoginAsync(
        LoginRequest request, HttpContext http, LogInGuard guard, UserManager<ApplicationUser> users, JwtTokenService tokens,
        ILoggerFactory loggers)
    {
        if (string.IsNullOrWhiteSpace(request.Username) || string.IsNullOrEmpty(request.Password))
        {
            return Api.BadRequest("用户名和密码不能为空");
        }

        var outcome = await guard.CheckAsync(request.Username, request.Password, ClientAddress.Of(http), http.RequestAborted);
        switch (outcome.Result)
        {
            case LogInResult.Succeeded:
                var user = outcome.User!;
                var roles = await users.GetRolesAsync(user);
                loggers.CreateLogger(typeof(UserApi)).LogInformation("User {UserName} logged in through the API", user.UserName);
                return Api.Ok(new LoginResult(tokens.CreateToken(user, roles), user.UserName!), "登录成功");
            case LogInResult.LockedOut or LogInResult.SlowedDown:
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(outcome.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return Api.Fail(StatusCodes.Status429TooManyRequests, ApiStatus.TooManyRequests, outcome.Message);
            case LogInResult.LockedByAdmin:
                return Api.Fail(StatusCodes.Status403Forbidden, ApiStatus.Forbidden, outcome.Message);
            default:
                return Api.BadRequest(outcome.Message, ApiStatus.BusinessFailure);
        }
    }

    private static async Task<IResult> MeAsync(ClaimsPrincipal principal, UserManager<ApplicationUser> users)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null)
        {
            return Api.Fail(StatusCodes.Status401Unauthorized, ApiStatus.Unauthenticated, "登录已失效，请重新登录");
        }

        return Api.Ok(new MeResult(user.UserName!, user.Email, [.. await users.GetRolesAsync(user)]));
    }
}
