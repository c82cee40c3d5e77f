using LuffyBlazor.Features.Admin.Demo;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Admin;

/// <summary>A scripted-Alipay app holding <see cref="DemoOrders"/> demo orders made by the seed-demo command's seeder.</summary>
public sealed class DemoOrdersApp : IAsyncLifetime
{
    public const int DemoOrders = 1_500;
    private readonly ScriptedAlipayApp inner = new();

    public ScriptedAlipay Alipay => inner.Alipay;
    public FakeTimeProvider Clock => inner.Clock;
    public LuffyAppFactory App => inner.App;

    public async Task InitializeAsync()
    {
        await inner.InitializeAsync();
        await App.WithAsync<DemoDataSeeder, DemoSeedResult>(seeder => seeder.SeedAsync(DemoOrders, _ => { }));
    }

    public Task DisposeAsync() => inner.DisposeAsync();
}
