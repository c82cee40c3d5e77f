using System.Net;
using LuffyBlazor.Components.Layout;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Components;

/// <summary>Prerendered pages carry MudThemeProvider's stylesheet rendered once, not a live MudThemeProvider.</summary>
public sealed class ThemeStylesheetTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task A_prerendered_page_carries_the_school_theme_rendered_once_at_start_up()
    {
        var markup = app.Services.GetRequiredService<ThemeStylesheet>().Markup?.Value;

        var html = await client.GetStringAsync("/");

        Assert.NotNull(markup);
        Assert.Contains("--mud-palette-primary: rgba(192,57,43,1)", markup); // LuffyTheme's primary, #c0392b
        Assert.Contains(markup, html);
    }

    [Fact]
    public async Task Starting_and_prerendering_pages_raise_no_javascript_interop_errors_from_the_theme_provider()
    {
        var fromThemeProvider = 0;
        void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            // MudThemeProvider calls JS when disposed; outside a circuit that throws (and MudBlazor swallows it).
            if (e.Exception is InvalidOperationException { Message: var message } && message.Contains("JavaScript interop")
                && Environment.StackTrace.Contains("MudThemeProvider", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref fromThemeProvider);
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            // What every app start does (other tests' apps start in parallel, so this one must be clean too).
            var startUp = ActivatorUtilities.CreateInstance<ThemeStylesheet>(app.Services);
            await startUp.StartAsync(CancellationToken.None);
            Assert.Equal(app.Services.GetRequiredService<ThemeStylesheet>().Markup?.Value, startUp.Markup?.Value);

            foreach (var page in new[] { "/", "/course/1", "/Account/Login", "/", "/course/2" })
            {
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(page)).StatusCode);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500)); // each page's components are disposed after its response
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        Assert.Equal(0, fromThemeProvider);
    }
}
