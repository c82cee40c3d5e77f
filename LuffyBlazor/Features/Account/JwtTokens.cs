using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using LuffyBlazor.Common;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LuffyBlazor.Features.Account;

public sealed class JwtOptions
{
    public const string Section = "Jwt";
    public const string DevelopmentKeyFile = "jwt_signing_key.txt";

    /// <summary>HMAC-SHA256 key, at least 32 bytes. Generated into <c>keys/</c> in Development when empty.</summary>
    public string SigningKey { get; set; } = "";
    public string Issuer { get; set; } = "LuffyBlazor";
    public string Audience { get; set; } = "LuffyBlazor";
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(1);

    public SymmetricSecurityKey CreateSecurityKey() => new(Encoding.UTF8.GetBytes(SigningKey));
}

/// <summary>Issues the REST API's bearer tokens, which carry the user's security stamp.</summary>
public sealed class JwtTokenService(IOptions<JwtOptions> options, IOptions<IdentityOptions> identity, TimeProvider clock)
{
    private readonly JsonWebTokenHandler handler = new();
    private readonly SigningCredentials credentials = new(options.Value.CreateSecurityKey(), SecurityAlgorithms.HmacSha256);

    public string CreateToken(ApplicationUser user, IEnumerable<string> roles)
    {
        var jwt = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.UserName ?? ""),
            // Checked on every call (AccountSessions): locking the user or changing the password ends the token.
            new(identity.Value.ClaimsIdentity.SecurityStampClaimType, user.SecurityStamp ?? ""),
        };
        claims.AddRange(roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + jwt.Lifetime,
            SigningCredentials = credentials,
        });
    }
}

public static class JwtSetup
{
    public static void AddJwt(this IHostApplicationBuilder builder, Microsoft.AspNetCore.Authentication.AuthenticationBuilder auth)
    {
        var environment = builder.Environment;
        var configuration = builder.Configuration;
        builder.Services.AddOptions<JwtOptions>()
            .BindConfiguration(JwtOptions.Section)
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.SigningKey) && environment.IsDevelopment())
                {
                    o.SigningKey = KeysDirectory.GetOrCreateSecret(
                        KeysDirectory.Resolve(configuration, environment), JwtOptions.DevelopmentKeyFile,
                        () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
                }
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.SigningKey),
                "Jwt:SigningKey is required outside Development (a random secret of at least 32 bytes).")
            .Validate(o => string.IsNullOrWhiteSpace(o.SigningKey) || Encoding.UTF8.GetByteCount(o.SigningKey) >= 32,
                "Jwt:SigningKey must be at least 32 bytes long.")
            .Validate(o => o.Lifetime > TimeSpan.Zero, "Jwt:Lifetime must be positive.")
            .ValidateOnStart();

        builder.Services.AddSingleton<JwtTokenService>();
        auth.AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>>((bearer, jwtOptions) =>
            {
                var jwt = jwtOptions.Value;
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = jwt.Audience,
                    IssuerSigningKey = string.IsNullOrEmpty(jwt.SigningKey) ? null : jwt.CreateSecurityKey(),
                    NameClaimType = ClaimTypes.Name,
                    RoleClaimType = ClaimTypes.Role,
                    ClockSkew = TimeSpan.FromMinutes(1),
                };
                bearer.Events = new JwtBearerEvents { OnTokenValidated = AccountSessions.ValidateTokenAsync };
            });
    }
}
