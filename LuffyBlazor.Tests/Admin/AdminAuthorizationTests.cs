using System.Net;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Admin;

/// <summary>
/// Every back-office page and admin API endpoint, found in the app's own route table (so one added later is
/// covered without touching this test): anonymous visitors log in (pages) or get 401 (API), learners get 403, by
/// cookie or by bearer token, and the admin gets in.
/// </summary>
public sealed class AdminAuthorizationTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private HttpClient NewBrowser() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>The admin routes with their parameters filled in with things that exist.</summary>
    private async Task<List<string>> AdminUrlsAsync()
    {
        var (learner, _) = await app.CreateLearnerAsync("owner");
        var order = await app.PlaceOrderAsync(learner, 1);
        var reconciled = new DateOnly(2020, 1, 1);
        await app.QueryAsync(async db =>
        {
            if (!await db.ReconciliationDays.AnyAsync(d => d.Date == reconciled))
            {
                db.ReconciliationDays.Add(new LuffyBlazor.Features.Orders.Reconciliation.ReconciliationDay { Date = reconciled });
                await db.SaveChangesAsync();
            }

            return 0;
        });
        var patterns = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => p.StartsWith("/admin", StringComparison.Ordinal) || p.StartsWith("/api/v1/admin", StringComparison.Ordinal))
            .Distinct().ToList();
        return patterns.Select(p => p
                .Replace("{OutTradeNo}", order.OutTradeNo).Replace("{outTradeNo}", order.OutTradeNo)
                .Replace("{Id:int}", "1").Replace("{UserId}", learner)
                .Replace("{Date}", "2020-01-01").Replace("{date}", "2020-01-01"))
            .ToList();
    }

    [Fact]
    public async Task The_route_table_holds_every_back_office_page_and_admin_endpoint()
    {
        var urls = await AdminUrlsAsync();

        string[] expected =
        [
            "/admin", "/admin/orders", "/admin/orders/{no}", "/admin/notifies", "/admin/courses", "/admin/courses/new", "/admin/courses/1",
            "/admin/users", "/admin/users/{user}", "/admin/media", "/api/v1/admin/orders/", "/api/v1/admin/orders/export.csv", "/api/v1/admin/orders/{no}/",
            "/api/v1/admin/notifies/", "/admin/reconciliation", "/admin/reconciliation/{day}", "/admin/payment-keys", "/api/v1/admin/reconciliation/{day}/export.csv",
        ];
        Assert.Equal(expected.Length, urls.Count);
        Assert.DoesNotContain(urls, u => u.Contains('{'));
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_log_in_from_pages_and_get_401_from_the_api()
    {
        foreach (var url in await AdminUrlsAsync())
        {
            using var response = await NewBrowser().GetAsync(url);
            if (url.StartsWith("/api/", StringComparison.Ordinal))
            {
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{url}: {response.StatusCode}");
                Assert.Equal(103, (await ApiClient.ReadJsonAsync(response)).GetProperty("status").GetInt32());
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{url}: {response.StatusCode}");
                Assert.Equal($"/Account/Login?ReturnUrl={Uri.EscapeDataString(url)}", response.Headers.Location!.PathAndQuery);
            }
        }
    }

    [Fact]
    public async Task A_learner_gets_403_on_every_page_and_endpoint_with_a_cookie()
    {
        var (_, name) = await app.CreateLearnerAsync();
        var browser = NewBrowser();
        await browser.LoginThroughPageAsync(name, AppScenarios.LearnerPassword);

        foreach (var url in await AdminUrlsAsync())
        {
            using var response = await browser.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{url}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task A_learner_gets_403_from_the_admin_api_with_a_bearer_token()
    {
        var (_, name) = await app.CreateLearnerAsync();
        var token = await app.CreateClient().LoginForTokenAsync(name, AppScenarios.LearnerPassword);
        var client = NewBrowser().WithBearer(token);

        foreach (var url in (await AdminUrlsAsync()).Where(u => u.StartsWith("/api/", StringComparison.Ordinal)))
        {
            using var response = await client.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{url}: {response.StatusCode}");
            Assert.Equal(104, (await ApiClient.ReadJsonAsync(response)).GetProperty("status").GetInt32());
        }
    }

    [Fact]
    public async Task The_admin_gets_every_page_and_endpoint_by_cookie_and_the_api_by_token()
    {
        var browser = NewBrowser();
        await browser.LoginThroughPageAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);
        var token = await app.CreateClient().LoginForTokenAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);
        var api = NewBrowser().WithBearer(token);

        foreach (var url in await AdminUrlsAsync())
        {
            using var response = await browser.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {response.StatusCode}");
            if (url.StartsWith("/api/", StringComparison.Ordinal))
            {
                using var byToken = await api.GetAsync(url);
                Assert.True(byToken.StatusCode == HttpStatusCode.OK, $"{url} by token: {byToken.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task A_learner_made_admin_gets_in_after_logging_in_again()
    {
        var (id, name) = await app.CreateLearnerAsync("promoted");
        var admin = await app.AdminAsync();
        var outcome = await app.WithAsync<LuffyBlazor.Features.Admin.Users.UserAdmin, LuffyBlazor.Features.Admin.AdminActionOutcome>(
            users => users.SetAdminAsync(id, true, "新同事", admin));
        Assert.True(outcome.Succeeded, outcome.Message);

        var browser = NewBrowser();
        await browser.LoginThroughPageAsync(name, AppScenarios.LearnerPassword);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/orders")).StatusCode);
        Assert.True(await app.QueryAsync(db => db.UserRoles.AnyAsync(ur => ur.UserId == id)));
    }

    [Fact]
    public async Task An_admin_token_stops_opening_the_api_once_the_role_is_removed_or_the_account_locked()
    {
        var (id, name) = await app.CreateLearnerAsync("helper");
        var admin = await app.AdminAsync();
        await app.WithAsync<LuffyBlazor.Features.Admin.Users.UserAdmin, LuffyBlazor.Features.Admin.AdminActionOutcome>(u => u.SetAdminAsync(id, true, "临时帮忙", admin));
        var token = await app.CreateClient().LoginForTokenAsync(name, AppScenarios.LearnerPassword);
        var api = NewBrowser().WithBearer(token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/admin/orders/")).StatusCode);

        // A role taken away without renewing the stamp (straight in the database): the policy's own check still refuses.
        await app.QueryAsync(db => db.UserRoles.Where(ur => ur.UserId == id).ExecuteDeleteAsync());
        using (var response = await api.GetAsync("/api/v1/admin/orders/"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal(104, (await ApiClient.ReadJsonAsync(response)).GetProperty("status").GetInt32());
        }

        // Through the back office the stamp is renewed: the token's session is over.
        await app.WithAsync<LuffyBlazor.Features.Admin.Users.UserAdmin, LuffyBlazor.Features.Admin.AdminActionOutcome>(u => u.SetLockedAsync(id, true, "帮完了", admin));
        using var ended = await api.GetAsync("/api/v1/admin/orders/");
        Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
        Assert.Equal(103, (await ApiClient.ReadJsonAsync(ended)).GetProperty("status").GetInt32());
    }
}
