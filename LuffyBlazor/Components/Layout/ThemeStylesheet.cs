using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;
using MudBlazor;

namespace LuffyBlazor.Components.Layout;

/// <summary>
/// What <see cref="MudThemeProvider"/> renders for <see cref="LuffyTheme"/>, rendered once at start-up. A live
/// MudThemeProvider costs every prerendered page a default theme built and thrown away, the theme's CSS built again,
/// and, when the page is done, two JS interop calls that cannot run outside a circuit (MudBlazor throws and swallows
/// them): a rendered page cost 1.6 to 3 times the CPU without this copy (bench/README.md, "The devices"). Its output
/// depends on nothing but the theme, so prerendered and static pages carry this copy, and only live circuits render
/// the component.
/// </summary>
public sealed class ThemeStylesheet(IServiceScopeFactory scopes, ILoggerFactory loggers) : IHostedService
{
    /// <summary>Null until start-up has rendered it (the layout then renders MudThemeProvider itself).</summary>
    public MarkupString? Markup { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(new WithoutJavaScript(scope.ServiceProvider), loggers);
        var parameters = ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(MudThemeProvider.Theme)] = LuffyTheme.Theme });
        var html = await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<MudThemeProvider>(parameters)).ToHtmlString());
        Markup = new MarkupString(html);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The one-off render has no browser: MudThemeProvider's dispose-time JS calls go nowhere instead of throwing
    /// (and being swallowed) in every process that starts the app.
    /// </summary>
    private sealed class WithoutJavaScript(IServiceProvider services) : IServiceProvider, IJSRuntime
    {
        public object? GetService(Type serviceType) => serviceType == typeof(IJSRuntime) ? this : services.GetService(serviceType);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => ValueTask.FromResult(default(TValue)!);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
            ValueTask.FromResult(default(TValue)!);
    }
}
