using System.Net;
using System.Text;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Common;

public sealed class PlumbingTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task Malformed_json_gets_the_envelope_not_an_error_page()
    {
        using var response = await client.PostAsync("/api/v1/user/login/", new StringContent("{bad", Encoding.UTF8, "application/json"));
        var body = await ApiClient.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(102, body.GetProperty("status").GetInt32());
        Assert.DoesNotContain("   at ", body.GetProperty("msg").GetString());
    }

    [Fact]
    public async Task A_wrong_content_type_and_an_unknown_api_route_get_the_envelope()
    {
        using var form = await client.PostAsync("/api/v1/user/login/", new StringContent("username=a", Encoding.UTF8, "text/plain"));
        var (missing, missingBody) = await client.GetJsonAsync("/api/v1/no-such-thing/");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Equal(102, (await ApiClient.ReadJsonAsync(form)).GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal(105, missingBody.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        using var response = await client.GetAsync("/");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Healthz_reports_the_database_healthy()
    {
        using var response = await client.GetAsync("/healthz");
        var body = await ApiClient.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetString());
    }

    [Fact]
    public async Task Seeded_covers_are_served_from_the_media_store()
    {
        using var response = await client.GetAsync("/media/covers/python-fullstack.svg");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
    }
}

public sealed class RateLimitTests
{
    [Fact]
    public async Task Too_many_log_in_attempts_from_one_client_are_refused_with_429()
    {
        using var app = new LuffyAppFactory(new Dictionary<string, string?> { ["RateLimiting:Auth:PermitLimit"] = "3" });
        var client = app.CreateClient();

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var (code, _) = await client.PostJsonAsync("/api/v1/user/login/", new { username = "someone", password = "whatever-1" });
            codes.Add(code);
        }

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], codes);
        var (_, catalogue) = await client.GetJsonAsync("/api/v1/course/");
        Assert.Equal(100, catalogue.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("/Account/Login", "login")]
    [InlineData("/Account/Register", "register")]
    public async Task Too_many_posts_of_the_log_in_and_register_pages_are_refused_with_429_but_the_pages_still_open(string page, string form)
    {
        using var app = new LuffyAppFactory(new Dictionary<string, string?> { ["RateLimiting:Auth:PermitLimit"] = "2" });
        var browser = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var fields = new Dictionary<string, string>
        {
            ["Input.Login"] = "someone", ["Input.UserName"] = "someone", ["Input.Password"] = "whatever-1", ["Input.ConfirmPassword"] = "whatever-1",
        };

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await browser.SubmitFormAsync(page, form, fields);
            codes.Add(response.StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, codes.Take(2));
        Assert.Equal(HttpStatusCode.TooManyRequests, codes[2]);
        using var refused = await browser.SubmitFormAsync(page, form, fields);
        Assert.Equal("尝试次数过多，请稍后再试", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(page)).StatusCode);
    }
}

public sealed class AuthRateLimitPolicyTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    [Fact]
    public void The_log_in_and_register_pages_and_api_carry_the_named_policy_and_nothing_else_does()
    {
        app.CreateClient();
        var endpoints = app.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints.OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>();

        var limited = endpoints
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute>()?.PolicyName == LuffyBlazor.Common.AuthRateLimiting.Policy)
            .Select(e => e.RoutePattern.RawText!.Trim('/'))
            .Distinct().Order().ToList();

        Assert.Equal(["Account/Login", "Account/Register", "api/v1/user/login", "api/v1/user/register"], limited);
    }
}

public sealed class StartupValidationTests
{
    [Fact]
    public void Production_without_a_jwt_signing_key_refuses_to_start_and_names_the_setting()
    {
        using var app = new LuffyAppFactory(new Dictionary<string, string?> { ["Jwt:SigningKey"] = "" }) { EnvironmentName = "Production" };

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Jwt:SigningKey", error.ToString());
        Assert.False(File.Exists(app.DatabasePath), "a start that fails validation must not create, migrate or seed the database");
    }

    [Fact]
    public async Task In_development_a_missing_jwt_signing_key_is_generated_into_the_keys_folder_and_kept_across_restarts()
    {
        var noKey = new Dictionary<string, string?> { ["Jwt:SigningKey"] = "" };
        using var first = new LuffyAppFactory(noKey) { EnvironmentName = "Development" };
        var token = await first.CreateClient().LoginForTokenAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);

        var keyFile = Path.Combine(first.Root, "keys", "jwt_signing_key.txt");
        Assert.True(File.Exists(keyFile));
        Assert.True(Convert.FromBase64String(File.ReadAllText(keyFile).Trim()).Length >= 32);

        using var second = new LuffyAppFactory(new Dictionary<string, string?>(noKey)
        {
            ["ConnectionStrings:Default"] = $"Data Source={first.DatabasePath}",
            ["Keys:Directory"] = Path.Combine(first.Root, "keys"),
        }) { EnvironmentName = "Development" };
        var (code, _) = await second.CreateClient().WithBearer(token).GetJsonAsync("/api/v1/user/me/");
        Assert.Equal(HttpStatusCode.OK, code);
    }

    [Fact]
    public void In_development_the_repository_settings_file_sits_between_appsettings_and_environment_variables()
    {
        var repoRoot = RepositoryPaths.Root;
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(new Microsoft.AspNetCore.Builder.WebApplicationOptions
        {
            EnvironmentName = "Development",
            ContentRootPath = Path.Combine(repoRoot, "LuffyBlazor"),
        });

        LuffyBlazor.Common.RepositorySettings.AddRepositoryDevelopmentSettings(builder);

        var sources = builder.Configuration.Sources.ToList();
        var root = sources.FindIndex(s => s is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path: "appsettings.Development.json", FileProvider: Microsoft.Extensions.FileProviders.PhysicalFileProvider p } && p.Root.TrimEnd('/') == repoRoot);
        var appSettings = sources.FindIndex(s => s is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path: "appsettings.json" });
        var environment = sources.FindLastIndex(s => s is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource { Prefix: null or "" });
        Assert.True(appSettings >= 0 && root > appSettings, "root settings must come after LuffyBlazor/appsettings.json");
        Assert.True(environment > root, "environment variables must override the root settings");
        Assert.Equal("admin@luffy.local", builder.Configuration["Admin:Email"]);
    }
}
