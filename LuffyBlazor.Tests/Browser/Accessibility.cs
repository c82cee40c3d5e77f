using System.Text.Json;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LuffyBlazor.Tests.Browser;

/// <summary>
/// axe-core, the accessibility engine, run in the page as it is now. The script comes from npm
/// (<c>test-support/node</c>, installed by <c>./test.sh</c>'s <c>npm ci</c>). Any page a browser test opens can be
/// checked with one line: <c>await page.AssertAccessibleAsync("the cart");</c>
/// </summary>
public static class Accessibility
{
    public static string AxeScript => Path.Combine(NodePeer.Folder, "node_modules", "axe-core", "axe.min.js");

    /// <summary>Fails with every serious or critical violation on the page: the rule, what it asks, and where.</summary>
    public static async Task AssertAccessibleAsync(this IPage page, string what)
    {
        var violations = await page.SeriousViolationsAsync();
        Assert.True(violations.Count == 0, $"{what} ({page.Url}): axe-core found serious or critical violations:\n" + string.Join("\n", violations));
    }

    /// <summary>The serious and critical violations axe-core finds in the page, one line each.</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(this IPage page)
    {
        Assert.True(File.Exists(AxeScript), $"axe-core is not installed: run ./test.sh (or `npm ci` in {NodePeer.Folder})");
        if (!await HasAxeAsync(page))
        {
            // Evaluated through the DevTools protocol, not added as a script tag: the app's Content-Security-Policy
            // (no 'unsafe-inline' for scripts) refuses a tag, and must not be loosened for a test.
            await page.EvaluateAsync(await File.ReadAllTextAsync(AxeScript));
        }

        var result = await page.EvaluateAsync<JsonElement>("""
            async () => {
                const results = await axe.run(document, { resultTypes: ['violations'] });
                return results.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => `${v.impact} ${v.id}: ${v.help}\n` + v.nodes.map(n => `    ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`).join('\n'));
            }
            """);
        return result.EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    private static Task<bool> HasAxeAsync(IPage page) => page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'");
}
