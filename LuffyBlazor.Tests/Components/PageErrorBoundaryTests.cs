using Bunit;
using LuffyBlazor.Components.Layout;
using LuffyBlazor.Features.Admin.Shared;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MudBlazor.Services;

namespace LuffyBlazor.Tests.Components;

/// <summary>A page that throws shows the layouts' error message; the circuit, the layout and its menu live on.</summary>
public sealed class PageErrorBoundaryTests : BunitTestContext
{
    private readonly CapturedLogs logs = new();

    public PageErrorBoundaryTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<ILoggerFactory>(new LoggerFactory([logs]));
        Services.AddSingleton(sp => new ThemeStylesheet(sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<ILoggerFactory>()));
        AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    /// <summary>A page whose rendering fails while <see cref="Failing"/> is set.</summary>
    private sealed class FlakyPage : ComponentBase
    {
        public static bool Failing { get; set; }

        protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder)
        {
            if (Failing)
            {
                throw new InvalidOperationException("the page fell over");
            }

            builder.AddMarkupContent(0, "<p id=\"flaky-page\">页面正常</p>");
        }
    }

    private static RenderFragment Page => builder =>
    {
        builder.OpenComponent<FlakyPage>(0);
        builder.CloseComponent();
    };

    [Fact]
    public void A_page_that_throws_in_the_main_layout_shows_the_message_and_the_menu_stays()
    {
        FlakyPage.Failing = true;

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, Page));

        Assert.Contains("页面出错了", layout.Find("#page-error").TextContent);
        Assert.NotNull(layout.Find("a.luffy-brand")); // the app bar is still there, and usable
        Assert.Empty(layout.FindAll("#flaky-page"));
        Assert.Contains(logs.Errors, e => e.Exception?.Message == "the page fell over");
    }

    [Fact]
    public void Retrying_once_the_cause_is_gone_shows_the_page_again()
    {
        FlakyPage.Failing = true;
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, Page));
        Assert.NotNull(layout.Find("#page-error"));

        FlakyPage.Failing = false;
        layout.Find("#page-error-retry").Click();

        layout.WaitForAssertion(() => Assert.Equal("页面正常", layout.Find("#flaky-page").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(layout.FindAll("#page-error"));
    }

    [Fact]
    public void Going_to_another_page_clears_the_error()
    {
        FlakyPage.Failing = true;
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, Page));
        Assert.NotNull(layout.Find("#page-error"));

        FlakyPage.Failing = false;
        Services.GetRequiredService<NavigationManager>().NavigateTo("/orders");

        layout.WaitForAssertion(() => Assert.NotNull(layout.Find("#flaky-page")), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_page_that_throws_in_the_back_office_keeps_the_admin_menu()
    {
        FlakyPage.Failing = true;

        var layout = Render<AdminLayout>(p => p.Add(l => l.Body, Page));

        Assert.NotNull(layout.Find("#page-error"));
        Assert.Contains("订单", layout.Find("nav.admin-nav").TextContent);
    }
}
