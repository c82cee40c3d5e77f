using System.Net;
using System.Text.RegularExpressions;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests;

/// <summary>The Content-Security-Policy as a header; <see cref="Browser.ContentSecurityPolicyBrowserTests"/> checks it in Chromium.</summary>
public sealed partial class ContentSecurityPolicyTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    /// <summary>The policy's directives by name.</summary>
    public static Dictionary<string, string> Directives(HttpResponseMessage response) =>
        response.Headers.GetValues("Content-Security-Policy").Single().Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d[(d.IndexOf(' ') + 1)..]);

    [Fact]
    public async Task Scripts_may_come_from_the_app_and_the_import_map_with_this_requests_nonce_and_nowhere_else()
    {
        // A page rendered for each request (a visitor's catalogue is output-cached and keeps its copy's nonce:
        // CataloguePageCacheTests).
        using var first = await app.CreateClient().GetAsync("/Account/Login");
        using var second = await app.CreateClient().GetAsync("/Account/Login");

        var policy = Directives(first);
        var nonce = NonceSource().Match(policy["script-src"]).Groups[1].Value;
        Assert.Equal($"'self' 'nonce-{nonce}'", policy["script-src"]);
        Assert.Equal(22, nonce.Length); // 16 random bytes, base64url
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", await first.Content.ReadAsStringAsync());
        Assert.NotEqual(policy["script-src"], Directives(second)["script-src"]);
        Assert.Equal("'self'", policy["default-src"]);
        Assert.Equal("'none'", policy["frame-ancestors"]);
        Assert.Equal("'none'", policy["object-src"]);
        Assert.Equal("'self' https://openapi-sandbox.dl.alipaydev.com", policy["form-action"]);
        Assert.Equal("'self'", policy["connect-src"]);
        Assert.Equal("'self' data:", policy["img-src"]);
    }

    [Fact]
    public async Task Api_answers_and_error_pages_carry_the_policy_too()
    {
        using var api = await app.CreateClient().GetAsync("/api/v1/course/");
        using var missing = await app.CreateClient().GetAsync("/no-such-page");

        Assert.Equal("'none'", Directives(api)["frame-ancestors"]);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.StartsWith("'self' 'nonce-", Directives(missing)["script-src"]);
    }

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex NonceSource();
}

/// <summary>Images, videos and uploads may come from the media store the school configured, and from nowhere else.</summary>
public sealed class MediaStorePolicyTests
{
    private static async Task<Dictionary<string, string>> PolicyWithAsync(Dictionary<string, string?> storage)
    {
        // No catalogue seeding: nothing here talks to the (imaginary) store.
        storage["Database:SeedCatalogue"] = "false";
        using var app = new LuffyAppFactory(storage);
        using var response = await app.CreateClient().GetAsync("/Account/Login");
        return ContentSecurityPolicyTests.Directives(response);
    }

    [Fact]
    public async Task A_qiniu_store_adds_its_download_domains_and_its_upload_host()
    {
        var policy = await PolicyWithAsync(new()
        {
            ["Storage:Provider"] = "Qiniu", ["Storage:Qiniu:AccessKey"] = "test-ak", ["Storage:Qiniu:SecretKey"] = "test-sk",
            ["Storage:Qiniu:Bucket"] = "luffy", ["Storage:Qiniu:Domain"] = "https://img.luffy.example",
            ["Storage:Qiniu:PrivateBucket"] = "luffy-private", ["Storage:Qiniu:PrivateDomain"] = "https://video.luffy.example",
            ["Storage:Qiniu:Region"] = "z2",
        });

        Assert.Equal("'self' data: https://img.luffy.example https://video.luffy.example", policy["img-src"]);
        Assert.Equal("'self' https://img.luffy.example https://video.luffy.example", policy["media-src"]);
        // Browsers upload straight to the region's hosts, or to another qiniup.com host the region query names.
        Assert.Equal("'self' https://upload-z2.qiniup.com https://up-z2.qiniup.com https://*.qiniup.com", policy["connect-src"]);
    }

    [Fact]
    public async Task An_s3_store_adds_its_public_base_and_the_host_of_its_signed_urls()
    {
        var policy = await PolicyWithAsync(new()
        {
            ["Storage:Provider"] = "S3", ["Storage:S3:ServiceUrl"] = "http://minio.luffy.example:9000", ["Storage:S3:Bucket"] = "luffy",
            ["Storage:S3:AccessKey"] = "test-ak", ["Storage:S3:SecretKey"] = "test-sk-0123456789", ["Storage:S3:PublicBaseUrl"] = "https://cdn.luffy.example/luffy",
        });

        Assert.Equal("'self' data: https://cdn.luffy.example http://minio.luffy.example:9000", policy["img-src"]);
        Assert.Equal("'self' https://cdn.luffy.example http://minio.luffy.example:9000", policy["media-src"]);
        // Browsers send the parts of a large upload to presigned URLs on the S3 endpoint.
        Assert.Equal("'self' http://minio.luffy.example:9000", policy["connect-src"]);
    }
}

/// <summary>Strict-Transport-Security outside Development, on https requests only, including those a TLS proxy forwards.</summary>
public sealed class HstsTests
{
    private static LuffyAppFactory Production(string environment = "Production") =>
        new(new Dictionary<string, string?> { ["ForwardedHeaders_Enabled"] = "true", ["Security:HttpsRedirection"] = "false" }) { EnvironmentName = environment };

    private static async Task<string?> HstsAsync(LuffyAppFactory app, string baseAddress, string? forwardedProto = null)
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri(baseAddress) });
        if (forwardedProto is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-Proto", forwardedProto);
        }

        using var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.TryGetValues("Strict-Transport-Security", out var values) ? values.Single() : null;
    }

    [Fact]
    public async Task Behind_a_tls_proxy_that_forwards_https_the_answer_carries_hsts_for_a_year()
    {
        using var app = Production();

        Assert.Equal("max-age=31536000", await HstsAsync(app, "http://shop.luffy.example", forwardedProto: "https"));
        Assert.Equal("max-age=31536000", await HstsAsync(app, "https://shop.luffy.example"));
    }

    [Fact]
    public async Task Plain_http_and_development_get_no_hsts()
    {
        using var production = Production();
        using var development = Production("Development");

        Assert.Null(await HstsAsync(production, "http://shop.luffy.example"));
        Assert.Null(await HstsAsync(production, "http://shop.luffy.example", forwardedProto: "http"));
        Assert.Null(await HstsAsync(development, "https://shop.luffy.example"));
    }
}

public sealed class DevelopmentToolsPolicyTests
{
    [Fact]
    public async Task In_development_the_api_reference_page_keeps_its_inline_scripts_and_the_shop_keeps_the_policy()
    {
        using var app = new LuffyAppFactory { EnvironmentName = "Development" };
        var client = app.CreateClient();

        using var reference = await client.GetAsync("/scalar");
        using var home = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.False(reference.Headers.Contains("Content-Security-Policy"));
        Assert.Contains("script-src", ContentSecurityPolicyTests.Directives(home).Keys);
    }
}
