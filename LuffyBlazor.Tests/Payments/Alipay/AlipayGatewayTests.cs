using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Tests.Payments.Alipay;

/// <summary>Where the app sends Alipay requests: what <c>Alipay:Gateway</c> says, or the sandbox.</summary>
public sealed class AlipayGatewayTests
{
    private static AlipayGateway Gateway(string? configured, params string[] listening)
    {
        var options = AlipayTestKeys.Options();
        options.Gateway = configured;
        return new AlipayGateway(Options.Create(options), listening.Length == 0 ? null : new ListeningServer(listening));
    }

    [Fact]
    public void An_absolute_gateway_is_used_as_it_is()
    {
        Assert.Equal(AlipayOptions.ProductionGateway, Gateway(AlipayOptions.ProductionGateway, "http://127.0.0.1:5080").Url);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void No_gateway_is_the_sandbox_never_production(string? configured)
    {
        Assert.Equal(AlipayOptions.SandboxGateway, Gateway(configured).Url);
    }

    [Theory]
    [InlineData("http://[::]:5080", "http://localhost:5080/sim/gateway.do")]
    [InlineData("http://0.0.0.0:5080", "http://localhost:5080/sim/gateway.do")]
    [InlineData("http://127.0.0.1:41234", "http://127.0.0.1:41234/sim/gateway.do")]
    public void A_path_is_on_the_apps_own_address(string listening, string expected)
    {
        Assert.Equal(expected, Gateway("/sim/gateway.do", "https://localhost:5443", listening).Url);
    }

    [Fact]
    public void Before_the_server_knows_its_address_a_path_is_on_localhost_and_is_resolved_again_later()
    {
        var server = new ListeningServer();
        var options = AlipayTestKeys.Options();
        options.Gateway = "/sim/gateway.do";
        var gateway = new AlipayGateway(Options.Create(options), server);

        Assert.Equal("http://localhost/sim/gateway.do", gateway.Url);
        server.Listen("http://127.0.0.1:41234");
        Assert.Equal("http://127.0.0.1:41234/sim/gateway.do", gateway.Url);
    }

    private sealed class ListeningServer : IServer
    {
        private readonly ServerAddressesFeature addresses = new();

        public ListeningServer(params string[] listening)
        {
            Features.Set<IServerAddressesFeature>(addresses);
            Listen(listening);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public void Listen(params string[] listening)
        {
            foreach (var address in listening)
            {
                addresses.Addresses.Add(address);
            }
        }

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull =>
            Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
