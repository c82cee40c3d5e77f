using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LuffyBlazor.Tests.Browser;

/// <summary>
/// The Content-Security-Policy in real Chromium: the shop's main pages, interactive and static, the simulator's
/// cashier and the back office (dashboard and orders grid) run under it without one violation, and a script the
/// policy does not allow is stopped.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyBrowserTests(BrowserSession session)
{
    private string Base => session.BaseUrl;

    /// <summary>
    /// Collects what Chromium reports: <c>securitypolicyviolation</c> events (reported through the console by a
    /// script Playwright injects, which the policy does not govern) and Chromium's own "Refused to …" messages.
    /// </summary>
    private static async Task<List<string>> WatchAsync(IPage page)
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.StartsWith("csp-violation", StringComparison.Ordinal) || message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (violations)
                {
                    violations.Add($"{page.Url}: {message.Text}");
                }
            }
        };
        await page.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e =>
                console.error('csp-violation ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
            """);
        return violations;
    }

    /// <summary>Lets late loads (images, the circuit's connection) report, then checks nothing was refused.</summary>
    private static async Task AssertCleanAsync(IPage page, List<string> violations)
    {
        await page.WaitForTimeoutAsync(300);
        lock (violations)
        {
            Assert.True(violations.Count == 0, "CSP violations:\n" + string.Join("\n", violations));
        }
    }

    [Fact]
    public async Task The_shop_the_cashier_and_the_back_office_run_under_the_policy_without_a_violation()
    {
        var (_, name) = await session.Shop.App.CreateLearnerAsync("csp");
        var page = await session.NewPageAsync();
        var violations = await WatchAsync(page);

        await page.OpenAsync(Base + "/");
        await Expect(page.Locator(".course-name").First).ToBeVisibleAsync();
        await AssertCleanAsync(page, violations);
        await page.OpenAsync(Base + "/course/2");
        await AssertCleanAsync(page, violations);

        await page.GotoAsync(Base + "/Account/Login");
        await AssertCleanAsync(page, violations);
        await page.LogInHereAsync(name, AppScenarios.LearnerPassword);
        await page.OpenAsync(Base + "/cart");
        await AssertCleanAsync(page, violations);
        await page.OpenAsync(Base + "/orders");
        await AssertCleanAsync(page, violations);

        await page.BuyAsync(Base, 3);
        // The countdown is the cashier's script, now a file the policy allows: it runs.
        await Expect(page.Locator("#cashier-countdown")).ToContainTextAsync("剩余支付时间");
        await AssertCleanAsync(page, violations);
        await page.PayAtCashierAsync();
        await Expect(page.Locator("#pay-status")).ToHaveTextAsync("支付成功", new() { Timeout = 15_000 });
        await AssertCleanAsync(page, violations);

        var admin = await session.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1440, Height = 900 } });
        var adminViolations = await WatchAsync(admin);
        await admin.GotoAsync(Base + "/Account/Login");
        await admin.LogInHereAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);
        await admin.OpenAsync(Base + "/admin");
        await Expect(admin.Locator("#revenue-chart")).ToBeVisibleAsync();
        await AssertCleanAsync(admin, adminViolations);
        await admin.OpenAsync(Base + "/admin/orders");
        await Expect(admin.Locator("#orders-grid")).ToContainTextAsync(page.OutTradeNoOfReturn(), new() { Timeout = 15_000 });
        await AssertCleanAsync(admin, adminViolations);

        // The control: an inline script without the nonce is refused, and the watch above would have seen it.
        await Assert.ThrowsAnyAsync<PlaywrightException>(() => admin.AddScriptTagAsync(new() { Content = "window.injected = true;" }));
        Assert.Null(await admin.EvaluateAsync<bool?>("window.injected"));
        await admin.WaitForTimeoutAsync(300);
        lock (adminViolations)
        {
            Assert.Contains(adminViolations, v => v.Contains("csp-violation script-src-elem inline", StringComparison.Ordinal));
        }
    }
}
