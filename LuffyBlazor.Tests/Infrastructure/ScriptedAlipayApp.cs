using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>An app on a fake clock whose Alipay is a scripted local gateway; the background sweeper is off.</summary>
public sealed class ScriptedAlipayApp : IAsyncLifetime
{
    public ScriptedAlipay Alipay { get; private set; } = null!;
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public LuffyAppFactory App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Alipay = await ScriptedAlipay.StartAsync();
        App = new LuffyAppFactory(new Dictionary<string, string?>
        {
            ["Alipay:Gateway"] = Alipay.Url,
            ["Orders:SweeperEnabled"] = "false",
        })
        {
            TestServices = services => services.AddSingleton<TimeProvider>(Clock),
        };
        App.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Alipay.DisposeAsync();
    }
}
