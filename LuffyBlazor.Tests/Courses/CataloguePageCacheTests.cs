using System.Net;
using System.Text.RegularExpressions;
using LuffyBlazor.Features.Admin.Courses;
using LuffyBlazor.Tests.Admin;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Courses;

/// <summary>
/// The anonymous catalogue and course pages come from the output cache; signed-in learners always get a fresh page,
/// and an admin's change to a course evicts the cached pages at once.
/// </summary>
public sealed partial class CataloguePageCacheTests : IClassFixture<LuffyAppFactory>
{
    private readonly LuffyAppFactory app;

    public CataloguePageCacheTests(LuffyAppFactory app) => this.app = app;

    /// <summary>Changes a price behind the app's back: nothing is told, so only a fresh render shows it.</summary>
    private Task PriceQuietlyAsync(string course, decimal price) =>
        app.QueryAsync(db => db.Courses.Where(c => c.Name == course).ExecuteUpdateAsync(s => s.SetProperty(c => c.Price, price)));

    private static async Task<string> PageAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_visitors_catalogue_search_is_served_from_the_cache_until_an_admin_saves_a_course()
    {
        var visitor = app.CreateClient();
        await PageAsync(visitor, "/?q=Docker");

        await PriceQuietlyAsync("Docker 与 Kubernetes 实战", 66.60m);
        using var cached = await visitor.GetAsync("/?q=Docker");
        var admin = await app.AdminAsync();
        var docker = await app.QueryAsync(db => db.Courses.Where(c => c.Name == "Docker 与 Kubernetes 实战").Select(c => c.Id).SingleAsync());
        var form = await app.WithAsync<CourseAdmin, CourseForm?>(c => c.FormAsync(docker));
        Assert.True((await app.WithAsync<CourseAdmin, CourseSaveResult>(c => c.SaveAsync(form!, admin))).Succeeded);
        var afterSave = await PageAsync(visitor, "/?q=Docker");

        Assert.True(cached.Headers.Age is not null, "a second visit within the expiry is answered from the cache");
        Assert.False(cached.Headers.Contains("Set-Cookie"), "a cached page hands out no one's cookie");
        Assert.DoesNotContain("¥66.60", WebUtility.HtmlDecode(await cached.Content.ReadAsStringAsync()));
        Assert.Contains("¥66.60", afterSave);
    }

    [Fact]
    public async Task A_signed_in_learner_never_gets_the_cached_page()
    {
        var (_, name) = await app.CreateLearnerAsync();
        var learner = await app.BrowserForAsync(name);
        await PageAsync(app.CreateClient(), "/?q=Shell");

        await app.QueryAsync(db => db.Courses.Where(c => c.Name == "Shell 脚本编程").ExecuteUpdateAsync(s => s.SetProperty(c => c.Price, 77.70m)));
        var visitorsPage = await PageAsync(app.CreateClient(), "/?q=Shell");
        using var learners = await learner.GetAsync("/?q=Shell");
        var learnersPage = WebUtility.HtmlDecode(await learners.Content.ReadAsStringAsync());

        Assert.DoesNotContain("¥77.70", visitorsPage);
        Assert.Contains("¥77.70", learnersPage);
        Assert.Null(learners.Headers.Age);
    }

    [Fact]
    public async Task A_cached_page_keeps_the_policy_whose_nonce_its_import_map_carries()
    {
        var visitor = app.CreateClient();
        using var first = await visitor.GetAsync("/?q=Linux");
        using var second = await visitor.GetAsync("/?q=Linux");

        foreach (var response in new[] { first, second })
        {
            var html = await response.Content.ReadAsStringAsync();
            var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            var nonce = ImportMapNonce().Match(html).Groups[1].Value;
            Assert.NotEmpty(nonce);
            Assert.Contains($"'nonce-{nonce}'", policy);
        }
    }

    [GeneratedRegex("<script type=\"importmap\" nonce=\"([^\"]+)\"")]
    private static partial Regex ImportMapNonce();
}
